import {
  Alternation,
  Alternative,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
} from './chevrotain.js';
import type { IProduction, Rule as GastRule, TokenType } from 'chevrotain';

/** Renders the parser's grammar (Chevrotain GAST) as EBNF: `x*` many, `x+` at least one, `x?` option. */
export function grammarToEbnf(rules: readonly GastRule[]): string {
  const header = '(* The secpol grammar, generated from grammar/parser.ts by `npm run generate`; do not edit. *)\n';
  return header + rules.map((r) => `${r.name} ::= ${sequence(r.definition)} ;\n`).join('');
}

function terminalText(t: TokenType): string {
  const pattern = t.PATTERN;
  if (t.name.startsWith('Kw') && pattern instanceof RegExp) return `'${pattern.source.replace(/\(\?!.*$/, '')}'`;
  const literal: Record<string, string> = {
    LBrace: "'{'", RBrace: "'}'", LParen: "'('", RParen: "')'", LBracket: "'['", RBracket: "']'", Comma: "','",
    Dot: "'.'", NotEquals: "'!='", LessEquals: "'<='", GreaterEquals: "'>='", Less: "'<'", Greater: "'>'", Equals: "'='",
    Star: "'*'", Plus: "'+'", Minus: "'-'",
  };
  return literal[t.name] ?? t.name;
}

function sequence(items: readonly IProduction[]): string {
  return items.map(item).join(' ');
}

function group(items: readonly IProduction[]): string {
  return items.length === 1 && !(items[0] instanceof Alternation) ? sequence(items) : `( ${sequence(items)} )`;
}

function item(p: IProduction): string {
  if (p instanceof Terminal) return terminalText(p.terminalType);
  if (p instanceof NonTerminal) return p.nonTerminalName;
  if (p instanceof Option) return `${group(p.definition)}?`;
  if (p instanceof Repetition) return `${group(p.definition)}*`;
  if (p instanceof RepetitionMandatory) return `${group(p.definition)}+`;
  if (p instanceof RepetitionWithSeparator) {
    const body = sequence(p.definition);
    return `( ${body} ( ${terminalText(p.separator)} ${body} )* )?`;
  }
  if (p instanceof RepetitionMandatoryWithSeparator) {
    const body = sequence(p.definition);
    return `${body} ( ${terminalText(p.separator)} ${body} )*`;
  }
  if (p instanceof Alternation) return `( ${p.definition.map((alt) => sequence((alt as InstanceType<typeof Alternative>).definition)).join(" | ")} )`;
  if (p instanceof Alternative) return sequence(p.definition);
  return '?';
}
