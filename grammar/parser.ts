import type { CstNode } from 'chevrotain';
import { CstParser } from './chevrotain.js';
import { lazyLookahead } from './lazy-lookahead.js';
import * as T from './tokens.js';

/**
 * The secpol grammar: rules only, no actions (the CST is turned into the AST by src/syntax/to-ast.ts).
 * Each rule is commented with its production; docs/grammar.ebnf is generated from this parser.
 */
export class SecpolParser extends CstParser {
  /**
   * `validate` runs Chevrotain's grammar checks (ambiguities, left recursion, …). They cost ~20 ms at every start, so
   * the CLI's parser skips them and test/syntax/grammar-validation.test.ts builds one with them instead.
   * Lookahead functions are built on first use (lazy-lookahead.ts); `eagerLookahead` builds them all at construction,
   * as Chevrotain does by default (test/syntax/lazy-lookahead.test.ts compares the two).
   */
  constructor(options: { readonly validate?: boolean; readonly eagerLookahead?: boolean } = {}) {
    const lookahead = options.eagerLookahead ? {} : { lookaheadStrategy: lazyLookahead(3) };
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: 'full', skipValidations: !options.validate, ...lookahead });
    this.performSelfAnalysis();
  }

  // file := importDecl* (policyDecl | networkDecl | defaultsDecl)*
  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.importDecl));
    this.MANY2(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.policyDecl) }, { ALT: () => this.SUBRULE(this.networkDecl) }, { ALT: () => this.SUBRULE(this.defaultsDecl) }]),
    );
  });

  // importDecl := 'import' String
  private importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.KwImport);
    this.CONSUME(T.StringLiteral);
  });

  // policyDecl := 'policy' name '{' policyItem* '}'
  private policyDecl = this.RULE('policyDecl', () => {
    this.CONSUME(T.KwPolicy);
    this.SUBRULE(this.name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.policyItem));
    this.CONSUME(T.RBrace);
  });

  // policyItem := metaItem | scopeItem | omitItem | ruleDecl | podSecurityDecl | exceptionDecl | verifyImagesDecl
  private policyItem = this.RULE('policyItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.metaItem) },
      { ALT: () => this.SUBRULE(this.scopeItem) },
      { ALT: () => this.SUBRULE(this.omitItem) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.podSecurityDecl) },
      { ALT: () => this.SUBRULE(this.exceptionDecl) },
      { ALT: () => this.SUBRULE(this.verifyImagesDecl) },
    ]);
  });

  // verifyImagesDecl := 'verify' 'images' name 'matching' stringList '{' verifyItem* '}'
  private verifyImagesDecl = this.RULE('verifyImagesDecl', () => {
    this.CONSUME(T.KwVerify);
    this.CONSUME(T.KwImages);
    this.SUBRULE(this.name);
    this.CONSUME(T.KwMatching);
    this.SUBRULE(this.stringList);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.verifyItem));
    this.CONSUME(T.RBrace);
  });

  // verifyItem := 'key' String | 'keyless' 'issuer' String 'subject' String
  //             | 'attestation' String ('where' comparison ('and' comparison)*)?
  //             | 'mutate' 'digest' | 'require' 'digest'
  private verifyItem = this.RULE('verifyItem', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.KwKey);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwKeyless);
          this.CONSUME(T.KwIssuer);
          this.CONSUME2(T.StringLiteral);
          this.CONSUME(T.KwSubject);
          this.CONSUME3(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwAttestation);
          this.CONSUME4(T.StringLiteral);
          this.OPTION(() => {
            this.CONSUME(T.KwWhere);
            this.AT_LEAST_ONE_SEP({ SEP: T.KwAnd, DEF: () => this.SUBRULE(this.comparison) });
          });
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.KwMutate) }, { ALT: () => this.CONSUME(T.KwRequire) }]);
          this.CONSUME(T.KwDigest);
        },
      },
    ]);
  });

  // metaItem := ('title' | 'description' | 'category') String | 'severity' name | 'mode' name
  private metaItem = this.RULE('metaItem', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.KwTitle) },
            { ALT: () => this.CONSUME(T.KwDescription) },
            { ALT: () => this.CONSUME(T.KwCategory) },
          ]);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.OR3([{ ALT: () => this.CONSUME(T.KwSeverity) }, { ALT: () => this.CONSUME(T.KwMode) }]);
          this.SUBRULE(this.name);
        },
      },
    ]);
  });

  // scopeItem := 'applies' 'to' kindTarget
  //            | ('in' | 'except') 'namespaces' stringList
  //            | 'where' 'namespace'? 'labels' labelTests
  //            | 'on' name (',' name)*
  private scopeItem = this.RULE('scopeItem', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.KwApplies);
          this.CONSUME(T.KwTo);
          this.SUBRULE(this.kindTarget);
        },
      },
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.KwIn) }, { ALT: () => this.CONSUME(T.KwExcept) }]);
          this.CONSUME(T.KwNamespaces);
          this.SUBRULE(this.stringList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwWhere);
          this.OPTION(() => this.CONSUME(T.KwNamespace));
          this.CONSUME(T.KwLabels);
          this.SUBRULE(this.labelTests);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwOn);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.name) });
        },
      },
    ]);
  });

  // kindTarget := 'pods' | String name (',' name)*      (an apiVersion, then kinds)
  private kindTarget = this.RULE('kindTarget', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.KwPods) },
      {
        ALT: () => {
          this.CONSUME(T.StringLiteral);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.name) });
        },
      },
    ]);
  });

  // omitItem := 'omit' 'from' name (',' name)* 'because' String
  private omitItem = this.RULE('omitItem', () => {
    this.CONSUME(T.KwOmit);
    this.CONSUME(T.KwFrom);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.name) });
    this.CONSUME(T.KwBecause);
    this.CONSUME(T.StringLiteral);
  });

  // labelTests := labelTest ('and' labelTest)*
  private labelTests = this.RULE('labelTests', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.KwAnd, DEF: () => this.SUBRULE(this.labelTest) });
  });

  // labelTest := labelKey ('=' String | '!=' String | 'not'? 'in' valueList | 'exists' | 'is' 'absent')
  private labelTest = this.RULE('labelTest', () => {
    this.OR([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.CONSUME(T.Word) }]);
    this.OR2([
      {
        ALT: () => {
          this.OR3([{ ALT: () => this.CONSUME(T.Equals) }, { ALT: () => this.CONSUME(T.NotEquals) }]);
          this.CONSUME2(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.KwNot));
          this.CONSUME(T.KwIn);
          this.SUBRULE(this.valueList);
        },
      },
      { ALT: () => this.CONSUME(T.KwExists) },
      {
        ALT: () => {
          this.CONSUME(T.KwIs);
          this.CONSUME(T.KwAbsent);
        },
      },
    ]);
  });

  // ruleDecl := 'rule' name '{' ruleItem* '}'
  private ruleDecl = this.RULE('ruleDecl', () => {
    this.CONSUME(T.KwRule);
    this.SUBRULE(this.name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.ruleItem));
    this.CONSUME(T.RBrace);
  });

  // ruleItem := ('require' | 'forbid' | 'when') predicate | ('title' | 'description' | 'message') String
  //           | 'applies' 'to' kindTarget | omitItem
  private ruleItem = this.RULE('ruleItem', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.KwRequire) },
            { ALT: () => this.CONSUME(T.KwForbid) },
            { ALT: () => this.CONSUME(T.KwWhen) },
          ]);
          this.SUBRULE(this.predicate);
        },
      },
      {
        ALT: () => {
          this.OR3([
            { ALT: () => this.CONSUME(T.KwTitle) },
            { ALT: () => this.CONSUME(T.KwDescription) },
            { ALT: () => this.CONSUME(T.KwMessage) },
          ]);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwApplies);
          this.CONSUME(T.KwTo);
          this.SUBRULE(this.kindTarget);
        },
      },
      { ALT: () => this.SUBRULE(this.omitItem) },
    ]);
  });

  // predicate := conjunction ('or' conjunction)*
  private predicate = this.RULE('predicate', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.KwOr, DEF: () => this.SUBRULE(this.conjunction) });
  });

  // conjunction := negation ('and' negation)*
  private conjunction = this.RULE('conjunction', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.KwAnd, DEF: () => this.SUBRULE(this.negation) });
  });

  // negation := 'not' negation | primary
  private negation = this.RULE('negation', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.KwNot);
          this.SUBRULE(this.negation);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  // primary := '(' predicate ')' | quantified | comparison
  private primary = this.RULE('primary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.predicate);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.quantified) },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  // quantified := ('any' | 'every' | 'no') domain 'has' primary
  private quantified = this.RULE('quantified', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.KwAny) },
      { ALT: () => this.CONSUME(T.KwEvery) },
      { ALT: () => this.CONSUME(T.KwNo) },
    ]);
    this.SUBRULE(this.domain);
    this.CONSUME(T.KwHas);
    this.SUBRULE(this.primary);
  });

  // domain := ('app' | 'init' | 'ephemeral')? 'container' | 'volume' | 'port' | 'env' | 'rbac' 'rule'
  //         | 'subject' | 'item' 'in' path | reference | kindList 'in' 'the' 'cluster'
  private domain = this.RULE('domain', () => {
    this.OR([
      {
        ALT: () => {
          this.OPTION(() =>
            this.OR2([
              { ALT: () => this.CONSUME(T.KwApp) },
              { ALT: () => this.CONSUME(T.KwInit) },
              { ALT: () => this.CONSUME(T.KwEphemeral) },
            ]),
          );
          this.CONSUME(T.KwContainer);
        },
      },
      { ALT: () => this.CONSUME(T.KwVolume) },
      { ALT: () => this.CONSUME(T.KwPort) },
      { ALT: () => this.CONSUME(T.KwEnv) },
      {
        ALT: () => {
          this.CONSUME(T.KwRbac);
          this.CONSUME(T.KwRule);
        },
      },
      { ALT: () => this.CONSUME(T.KwSubject) },
      {
        ALT: () => {
          this.CONSUME(T.KwItem);
          this.CONSUME(T.KwIn);
          this.SUBRULE(this.path);
        },
      },
      { ALT: () => this.SUBRULE(this.reference) },
      {
        ALT: () => {
          this.SUBRULE(this.kindList);
          this.CONSUME2(T.KwIn);
          this.CONSUME(T.KwThe);
          this.CONSUME(T.KwCluster);
        },
      },
    ]);
  });

  // reference := Identifier Identifier? 'referenced' 'by' path   (the object a field names: `role referenced by
  //              roleRef`, `storage class referenced by spec.storageClassName`)
  private reference = this.RULE('reference', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME2(T.Identifier));
    this.CONSUME(T.KwReferenced);
    this.CONSUME(T.KwBy);
    this.SUBRULE(this.path);
  });

  // comparison := 'effective'? path test
  private comparison = this.RULE('comparison', () => {
    this.OPTION(() => this.CONSUME(T.KwEffective));
    this.SUBRULE(this.path);
    this.SUBRULE(this.test);
  });

  // test := ('=' | '!=' | '<' | '<=' | '>' | '>=') operand
  //       | 'not'? 'in' valueList | 'not'? 'matches' 'regex'? String
  //       | 'exists' | 'is' 'not'? ('absent' | 'empty') | 'is' 'unique' 'among' kindList 'in' 'the' 'cluster'
  //       | 'is' 'unchanged'
  //       | 'contains' ('only' valueList | 'none' 'of' valueList | 'any' 'of' valueList | value)
  private test = this.RULE('test', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Equals) },
            { ALT: () => this.CONSUME(T.NotEquals) },
            { ALT: () => this.CONSUME(T.LessEquals) },
            { ALT: () => this.CONSUME(T.GreaterEquals) },
            { ALT: () => this.CONSUME(T.Less) },
            { ALT: () => this.CONSUME(T.Greater) },
          ]);
          this.SUBRULE(this.operand);
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.KwNot));
          this.OR3([
            {
              ALT: () => {
                this.CONSUME(T.KwIn);
                this.SUBRULE(this.valueList);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.KwMatches);
                this.OPTION2(() => this.CONSUME(T.KwRegex));
                this.CONSUME(T.StringLiteral);
              },
            },
          ]);
        },
      },
      { ALT: () => this.CONSUME(T.KwExists) },
      {
        ALT: () => {
          this.CONSUME(T.KwIs);
          this.OR7([
            {
              ALT: () => {
                this.CONSUME(T.KwUnique);
                this.CONSUME(T.KwAmong);
                this.SUBRULE(this.kindList);
                this.CONSUME2(T.KwIn);
                this.CONSUME(T.KwThe);
                this.CONSUME(T.KwCluster);
              },
            },
            { ALT: () => this.CONSUME(T.KwUnchanged) },
            {
              ALT: () => {
                this.OPTION3(() => this.CONSUME2(T.KwNot));
                this.OR4([{ ALT: () => this.CONSUME(T.KwAbsent) }, { ALT: () => this.CONSUME(T.KwEmpty) }]);
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwContains);
          this.OR5([
            {
              ALT: () => {
                this.CONSUME(T.KwOnly);
                this.SUBRULE2(this.valueList);
              },
            },
            {
              ALT: () => {
                this.OR6([{ ALT: () => this.CONSUME(T.KwNone) }, { ALT: () => this.CONSUME(T.KwAny) }]);
                this.CONSUME(T.KwOf);
                this.SUBRULE3(this.valueList);
              },
            },
            { ALT: () => this.SUBRULE2(this.value) },
          ]);
        },
      },
    ]);
  });

  // operand := relative | value      (a number is a bound only before `*`; `true`/`false` are values unless a path goes on)
  private operand = this.RULE('operand', () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.relativeAhead(), ALT: () => this.SUBRULE(this.relative) },
        { ALT: () => this.SUBRULE(this.value) },
      ],
    });
  });

  private relativeAhead(): boolean {
    const [first, second] = [this.LA(1).tokenType, this.LA(2).tokenType];
    if (first === T.NumberLiteral) return second === T.Star;
    if (first === T.KwTrue || first === T.KwFalse) return second === T.Dot || second === T.LBracket;
    return true;
  }

  // relative := (Number '*')? path (('+' | '-') Number)?      (a bound read from another field of the same scope)
  private relative = this.RULE('relative', () => {
    this.OPTION(() => {
      this.CONSUME(T.NumberLiteral);
      this.CONSUME(T.Star);
    });
    this.SUBRULE(this.path);
    this.OPTION2(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.CONSUME2(T.NumberLiteral);
    });
  });

  // kindList := String name (',' String? name)*      (kinds, each of the apiVersion written last before it)
  private kindList = this.RULE('kindList', () => {
    this.CONSUME(T.StringLiteral);
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.OPTION(() => this.CONSUME2(T.StringLiteral));
      this.SUBRULE2(this.name);
    });
  });

  // path := PathStart ('.' Word | '[' String ']')*
  private path = this.RULE('path', () => {
    this.CONSUME(T.PathStart);
    this.MANY(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            this.CONSUME(T.Word);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            this.CONSUME(T.StringLiteral);
            this.CONSUME(T.RBracket);
          },
        },
      ]),
    );
  });

  // value := String | Number | Quantity | 'true' | 'false'
  private value = this.RULE('value', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.QuantityLiteral) },
      { ALT: () => this.CONSUME(T.KwTrue) },
      { ALT: () => this.CONSUME(T.KwFalse) },
    ]);
  });

  // valueList := '[' (value (',' value)*)? ']'
  private valueList = this.RULE('valueList', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.value) });
    this.CONSUME(T.RBracket);
  });

  // stringList := String (',' String)*
  private stringList = this.RULE('stringList', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.StringLiteral) });
  });

  // podSecurityDecl := ('enforce' | 'audit' | 'warn') 'pod-security' name ('version' (Version | 'latest'))?
  // (the mode words are plain names: `mode enforce` uses them too)
  private podSecurityDecl = this.RULE('podSecurityDecl', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.KwPodSecurity);
    this.SUBRULE(this.name);
    this.OPTION(() => {
      this.CONSUME(T.KwVersion);
      this.OR([{ ALT: () => this.CONSUME(T.VersionLiteral) }, { ALT: () => this.CONSUME(T.KwLatest) }]);
    });
  });

  // exceptionDecl := 'exception' name '{' exceptionItem* '}'
  private exceptionDecl = this.RULE('exceptionDecl', () => {
    this.CONSUME(T.KwException);
    this.SUBRULE(this.name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.exceptionItem));
    this.CONSUME(T.RBrace);
  });

  // exceptionItem := ('namespaces' | 'images') stringList | 'workloads' workloadRef (',' workloadRef)*
  //                | ('controls' | 'rules') name (',' name)* | 'reason' String | 'expires' Date
  private exceptionItem = this.RULE('exceptionItem', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.KwNamespaces) }, { ALT: () => this.CONSUME(T.KwImages) }]);
          this.SUBRULE(this.stringList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwWorkloads);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.workloadRef) });
        },
      },
      {
        ALT: () => {
          this.OR3([{ ALT: () => this.CONSUME(T.KwControls) }, { ALT: () => this.CONSUME(T.KwRules) }]);
          this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE(this.name) });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwReason);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwExpires);
          this.CONSUME(T.DateLiteral);
        },
      },
    ]);
  });

  // workloadRef := name String        (a kind, then "namespace/name")
  private workloadRef = this.RULE('workloadRef', () => {
    this.SUBRULE(this.name);
    this.CONSUME(T.StringLiteral);
  });

  // networkDecl := 'network' name '{' networkItem* '}'
  private networkDecl = this.RULE('networkDecl', () => {
    this.CONSUME(T.KwNetwork);
    this.SUBRULE(this.name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.networkItem));
    this.CONSUME(T.RBrace);
  });

  // networkItem := ('title' | 'description') String | 'namespace' String | workloadDecl | defaultDeny
  //              | allowDns | allowFlow | quarantine
  private networkItem = this.RULE('networkItem', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.KwTitle) }, { ALT: () => this.CONSUME(T.KwDescription) }]);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwNamespace);
          this.CONSUME2(T.StringLiteral);
        },
      },
      { ALT: () => this.SUBRULE(this.workloadDecl) },
      { ALT: () => this.SUBRULE(this.defaultDeny) },
      { ALT: () => this.SUBRULE(this.allowDns) },
      { ALT: () => this.SUBRULE(this.allowFlow) },
      { ALT: () => this.SUBRULE(this.quarantine) },
    ]);
  });

  // quarantine := 'quarantine' 'pods' 'where' labelTests ('in' 'namespaces' stringList)? ('except' 'namespace' String)?
  // (the namespaces are optional here so that leaving them out is a located SP1011, not a syntax error)
  private quarantine = this.RULE('quarantine', () => {
    this.CONSUME(T.KwQuarantine);
    this.CONSUME(T.KwPods);
    this.CONSUME(T.KwWhere);
    this.SUBRULE(this.labelTests);
    this.OPTION(() => {
      this.CONSUME(T.KwIn);
      this.CONSUME(T.KwNamespaces);
      this.SUBRULE(this.stringList);
    });
    this.OPTION2(() => {
      this.CONSUME(T.KwExcept);
      this.CONSUME(T.KwNamespace);
      this.CONSUME(T.StringLiteral);
    });
  });

  // workloadDecl := 'workload' name 'in' 'namespace' String 'with' 'labels' labelPairs ('ports' namedPort (',' namedPort)*)?
  private workloadDecl = this.RULE('workloadDecl', () => {
    this.CONSUME(T.KwWorkload);
    this.SUBRULE(this.name);
    this.CONSUME(T.KwIn);
    this.CONSUME(T.KwNamespace);
    this.CONSUME(T.StringLiteral);
    this.CONSUME(T.KwWith);
    this.CONSUME(T.KwLabels);
    this.SUBRULE(this.labelTests);
    this.OPTION(() => {
      this.CONSUME(T.KwPorts);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.namedPort) });
    });
  });

  // namedPort := name '=' portSpec            (http = tcp 8080)
  private namedPort = this.RULE('namedPort', () => {
    this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.portSpec);
  });

  // defaultDeny := 'default' 'deny' direction ('and' direction)? 'in' 'namespaces' stringList
  private defaultDeny = this.RULE('defaultDeny', () => {
    this.CONSUME(T.KwDefault);
    this.CONSUME(T.KwDeny);
    this.AT_LEAST_ONE_SEP({ SEP: T.KwAnd, DEF: () => this.SUBRULE(this.direction) });
    this.CONSUME(T.KwIn);
    this.CONSUME(T.KwNamespaces);
    this.SUBRULE(this.stringList);
  });

  // direction := 'ingress' | 'egress'
  private direction = this.RULE('direction', () => {
    this.OR([{ ALT: () => this.CONSUME(T.KwIngress) }, { ALT: () => this.CONSUME(T.KwEgress) }]);
  });

  // allowDns := 'allow' 'dns' 'in' 'namespaces' stringList
  private allowDns = this.RULE('allowDns', () => {
    this.CONSUME(T.KwAllow);
    this.CONSUME(T.KwDns);
    this.CONSUME(T.KwIn);
    this.CONSUME(T.KwNamespaces);
    this.SUBRULE(this.stringList);
  });

  // allowFlow := 'allow' 'from' peer 'to' peer ('on' portSpec (',' portSpec)*)?
  private allowFlow = this.RULE('allowFlow', () => {
    this.CONSUME(T.KwAllow);
    this.CONSUME(T.KwFrom);
    this.SUBRULE(this.peer);
    this.CONSUME(T.KwTo);
    this.SUBRULE2(this.peer);
    this.OPTION(() => {
      this.CONSUME(T.KwOn);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.portSpec) });
    });
  });

  // peer := 'workload' name
  //       | 'pods' ('where' labelTests)? peerNamespace?
  //       | 'namespace' String | 'namespaces' 'where' labelTests
  //       | 'cidr' String ('except' stringList)?
  private peer = this.RULE('peer', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.KwWorkload);
          this.SUBRULE(this.name);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwPods);
          this.OPTION(() => {
            this.CONSUME(T.KwWhere);
            this.SUBRULE(this.labelTests);
          });
          this.OPTION2(() => this.SUBRULE(this.peerNamespace));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwNamespace);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwNamespaces);
          this.CONSUME2(T.KwWhere);
          this.SUBRULE2(this.labelTests);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwCidr);
          this.CONSUME2(T.StringLiteral);
          this.OPTION3(() => {
            this.CONSUME(T.KwExcept);
            this.SUBRULE(this.stringList);
          });
        },
      },
    ]);
  });

  // peerNamespace := 'in' 'namespace' String | 'in' 'namespaces' 'where' labelTests
  private peerNamespace = this.RULE('peerNamespace', () => {
    this.CONSUME(T.KwIn);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.KwNamespace);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwNamespaces);
          this.CONSUME(T.KwWhere);
          this.SUBRULE(this.labelTests);
        },
      },
    ]);
  });

  // portSpec := name (Number | Range | String)          (tcp 443, udp 53, tcp 8000-9000, tcp "http")
  private portSpec = this.RULE('portSpec', () => {
    this.SUBRULE(this.name);
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.RangeLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
    ]);
  });

  // defaultsDecl := 'defaults' name '{' defaultsItem* '}'
  private defaultsDecl = this.RULE('defaultsDecl', () => {
    this.CONSUME(T.KwDefaults);
    this.SUBRULE(this.name);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.defaultsItem));
    this.CONSUME(T.RBrace);
  });

  // defaultsItem := metaItem | scopeItem | podSecurityDecl | omitItem
  //               | 'default' 'deny' direction ('and' direction)? | 'allow' 'dns'
  // (the network intents without `in namespaces`: the block's own scope says which namespaces get them)
  private defaultsItem = this.RULE('defaultsItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.metaItem) },
      { ALT: () => this.SUBRULE(this.scopeItem) },
      { ALT: () => this.SUBRULE(this.podSecurityDecl) },
      { ALT: () => this.SUBRULE(this.omitItem) },
      {
        ALT: () => {
          this.CONSUME(T.KwDefault);
          this.CONSUME(T.KwDeny);
          this.AT_LEAST_ONE_SEP({ SEP: T.KwAnd, DEF: () => this.SUBRULE(this.direction) });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.KwAllow);
          this.CONSUME(T.KwDns);
        },
      },
    ]);
  });

  // name := Word
  private name = this.RULE('name', () => {
    this.CONSUME(T.Word);
  });
}

/** One parser instance is reused (Chevrotain's self-analysis is expensive). */
export const secpolParser = new SecpolParser();
export type { CstNode };
