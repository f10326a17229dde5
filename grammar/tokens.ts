import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

/*
 * Every token states the characters a match can start with (`start_chars_hint`) and whether it can span a line
 * break (`line_breaks`). Without them Chevrotain parses each pattern with its regexp analyser when the lexer is built,
 * at every CLI start (~30 ms). test/syntax/lexer-hints.prop.test.ts checks both against the unhinted lexer.
 */
const digits = [...'0123456789'];
const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_'];

/**
 * Tokens of the secpol language. Keywords are matched only as whole words (`longer_alt: Identifier`),
 * so `policy-name` or `envFrom` stay identifiers. Every keyword is also a `Word`, so field paths and
 * names may use them (`metadata.namespace`, `rule env`), while the predicate starters stay reserved.
 */

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, start_chars_hint: [' ', '\t', '\r', '\n'], line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: 'comments', start_chars_hint: ['#'], line_breaks: false });

/** Any name-like token: identifiers and every keyword. */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA });
/** A word that may start a field path: everything but the predicate starters (not, any, every, no, effective). */
export const PathStart = createToken({ name: 'PathStart', pattern: Lexer.NA, categories: [Word] });

/** kebab-case or camelCase names; a hyphen may not start or end a name. */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?/,
  start_chars_hint: letters,
  line_breaks: false,
  categories: [PathStart],
});

const keywords: TokenType[] = [];
function keyword(word: string, reservedInPaths = false): TokenType {
  const token = createToken({
    name: `Kw${word.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`,
    pattern: new RegExp(`${word}(?![A-Za-z0-9_-]*[A-Za-z0-9_])`),
    start_chars_hint: [word[0]!],
    line_breaks: false,
    longer_alt: Identifier,
    categories: [reservedInPaths ? Word : PathStart],
  });
  keywords.push(token);
  return token;
}

// Longer keywords first where one is a prefix of another (the regex lookahead already stops `in` matching `init`).
export const KwPodSecurity = keyword('pod-security');
export const KwImport = keyword('import');
export const KwPolicy = keyword('policy');
export const KwNetwork = keyword('network');
export const KwTitle = keyword('title');
export const KwDescription = keyword('description');
export const KwSeverity = keyword('severity');
export const KwCategory = keyword('category');
export const KwMode = keyword('mode');
export const KwApplies = keyword('applies');
export const KwTo = keyword('to');
export const KwPods = keyword('pods');
export const KwNamespaces = keyword('namespaces');
export const KwNamespace = keyword('namespace');
export const KwExcept = keyword('except');
export const KwWhere = keyword('where');
export const KwLabels = keyword('labels');
export const KwOn = keyword('on');
export const KwRule = keyword('rule');
export const KwRequire = keyword('require');
export const KwForbid = keyword('forbid');
export const KwWhen = keyword('when');
export const KwMessage = keyword('message');
export const KwOmit = keyword('omit');
export const KwFrom = keyword('from');
export const KwBecause = keyword('because');
export const KwException = keyword('exception');
export const KwImages = keyword('images');
export const KwWorkloads = keyword('workloads');
export const KwControls = keyword('controls');
export const KwRules = keyword('rules');
export const KwReason = keyword('reason');
export const KwExpires = keyword('expires');
export const KwVersion = keyword('version');
export const KwLatest = keyword('latest');
export const KwAnd = keyword('and');
export const KwOr = keyword('or');
export const KwNot = keyword('not', true);
export const KwAny = keyword('any', true);
export const KwEvery = keyword('every', true);
export const KwNo = keyword('no', true);
export const KwEffective = keyword('effective', true);
export const KwHas = keyword('has');
export const KwContainer = keyword('container');
export const KwApp = keyword('app');
export const KwInit = keyword('init');
export const KwEphemeral = keyword('ephemeral');
export const KwVolume = keyword('volume');
export const KwPort = keyword('port');
export const KwEnv = keyword('env');
export const KwRbac = keyword('rbac');
export const KwSubject = keyword('subject');
export const KwItem = keyword('item');
// Cross-object references (docs/language/references.md): `role referenced by roleRef`.
export const KwReferenced = keyword('referenced');
export const KwBy = keyword('by');
// Uniqueness among other objects (docs/language/uniqueness.md): `host is unique among "v1" Service in the cluster`.
export const KwUnique = keyword('unique');
export const KwAmong = keyword('among');
export const KwThe = keyword('the');
export const KwCluster = keyword('cluster');
// The old object on UPDATE (docs/language/changes.md): `spec.template.spec.serviceAccountName is unchanged`.
export const KwUnchanged = keyword('unchanged');
export const KwIn = keyword('in');
export const KwIs = keyword('is');
export const KwAbsent = keyword('absent');
export const KwEmpty = keyword('empty');
export const KwExists = keyword('exists');
export const KwMatches = keyword('matches');
export const KwRegex = keyword('regex');
export const KwContains = keyword('contains');
export const KwOnly = keyword('only');
export const KwNone = keyword('none');
export const KwOf = keyword('of');
export const KwTrue = keyword('true');
export const KwFalse = keyword('false');
export const KwWorkload = keyword('workload');
export const KwWith = keyword('with');
export const KwPorts = keyword('ports');
export const KwDefaults = keyword('defaults');
export const KwDefault = keyword('default');
export const KwDeny = keyword('deny');
export const KwIngress = keyword('ingress');
export const KwEgress = keyword('egress');
export const KwAllow = keyword('allow');
export const KwDns = keyword('dns');
export const KwCidr = keyword('cidr');
export const KwQuarantine = keyword('quarantine');
export const KwVerify = keyword('verify');
export const KwMatching = keyword('matching');
export const KwKeyless = keyword('keyless');
export const KwKey = keyword('key');
export const KwIssuer = keyword('issuer');
export const KwAttestation = keyword('attestation');
export const KwMutate = keyword('mutate');
export const KwDigest = keyword('digest');

export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, start_chars_hint: ['{'], line_breaks: false });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, start_chars_hint: ['}'], line_breaks: false });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, start_chars_hint: ['('], line_breaks: false });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, start_chars_hint: [')'], line_breaks: false });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, start_chars_hint: ['['], line_breaks: false });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, start_chars_hint: [']'], line_breaks: false });
export const Comma = createToken({ name: 'Comma', pattern: /,/, start_chars_hint: [','], line_breaks: false });
export const Dot = createToken({ name: 'Dot', pattern: /\./, start_chars_hint: ['.'], line_breaks: false });
export const NotEquals = createToken({ name: 'NotEquals', pattern: /!=/, start_chars_hint: ['!'], line_breaks: false });
export const LessEquals = createToken({ name: 'LessEquals', pattern: /<=/, start_chars_hint: ['<'], line_breaks: false });
export const GreaterEquals = createToken({ name: 'GreaterEquals', pattern: />=/, start_chars_hint: ['>'], line_breaks: false });
export const Less = createToken({ name: 'Less', pattern: /</, start_chars_hint: ['<'], line_breaks: false });
export const Greater = createToken({ name: 'Greater', pattern: />/, start_chars_hint: ['>'], line_breaks: false });
export const Equals = createToken({ name: 'Equals', pattern: /=/, start_chars_hint: ['='], line_breaks: false });
/** `*`, `+` and `-` of a field-relative bound (`<= 2 * requests.cpu`, `>= spec.minReplicas + 1`); `-1` glued is a number. */
export const Star = createToken({ name: 'Star', pattern: /\*/, start_chars_hint: ['*'], line_breaks: false });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, start_chars_hint: ['+'], line_breaks: false });
export const Minus = createToken({ name: 'Minus', pattern: /-/, start_chars_hint: ['-'], line_breaks: false });

/** "…" with \" \\ \n \t \uXXXX escapes; a raw line break ends it (reported as SP0003 by the lexer stage). */
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\n]|\\.)*"/, start_chars_hint: ['"'], line_breaks: false });
/**
 * A string that runs to the end of the line without its closing quote. It stands in for a string so the parser
 * goes on without a cascade of follow-on errors; the parse stage reports it once (SP0003).
 */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n]|\\.)*/, categories: [StringLiteral], start_chars_hint: ['"'], line_breaks: false });
/** YYYY-MM-DD, for exception expiry. */
export const DateLiteral = createToken({ name: 'DateLiteral', pattern: /\d{4}-\d{2}-\d{2}(?![0-9A-Za-z])/, start_chars_hint: digits, line_breaks: false });
/** v1.N, a Kubernetes minor version for pod-security. */
export const VersionLiteral = createToken({ name: 'VersionLiteral', pattern: /v\d+\.\d+(?![0-9A-Za-z])/, longer_alt: Identifier, start_chars_hint: ['v'], line_breaks: false });
/** 8000-9000, a port range. */
export const RangeLiteral = createToken({ name: 'RangeLiteral', pattern: /\d+-\d+(?![0-9A-Za-z])/, start_chars_hint: digits, line_breaks: false });
/** A Kubernetes quantity with a suffix: 512Mi, 500m, 100u, 1.5Gi, 2e3 (suffix.go's suffixes, docs/engines/quantities.md). */
export const QuantityLiteral = createToken({
  name: 'QuantityLiteral',
  pattern: /\d+(?:\.\d+)?(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE]\d+)(?![0-9A-Za-z])/,
  start_chars_hint: digits,
  line_breaks: false,
});
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /-?\d+(?:\.\d+)?(?![0-9A-Za-z])/, start_chars_hint: ['-', ...digits], line_breaks: false });

/** Lexing order matters: literals before the shorter tokens they contain, keywords before Identifier. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  UnterminatedString,
  DateLiteral,
  VersionLiteral,
  RangeLiteral,
  QuantityLiteral,
  NumberLiteral,
  ...keywords,
  Identifier,
  Word,
  PathStart,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Less,
  Greater,
  Equals,
  Star,
  Plus,
  Minus,
];

/** The lexer options; validations (unreachable tokens, bad patterns) run in test/syntax/grammar-validation.test.ts, not at every start. */
export const lexerOptions = { positionTracking: 'full', ensureOptimizations: false } as const;
export const secpolLexer = new Lexer(allTokens, { ...lexerOptions, skipValidations: true });
