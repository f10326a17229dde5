// Generated from grammar/parser.ts by `npm run generate`; do not edit.
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  importDecl?: ImportDeclCstNode[];
  policyDecl?: PolicyDeclCstNode[];
  networkDecl?: NetworkDeclCstNode[];
  defaultsDecl?: DefaultsDeclCstNode[];
};

export interface ImportDeclCstNode extends CstNode {
  name: "importDecl";
  children: ImportDeclCstChildren;
}

export type ImportDeclCstChildren = {
  KwImport: IToken[];
  StringLiteral: IToken[];
};

export interface PolicyDeclCstNode extends CstNode {
  name: "policyDecl";
  children: PolicyDeclCstChildren;
}

export type PolicyDeclCstChildren = {
  KwPolicy: IToken[];
  name: NameCstNode[];
  LBrace: IToken[];
  policyItem?: PolicyItemCstNode[];
  RBrace: IToken[];
};

export interface PolicyItemCstNode extends CstNode {
  name: "policyItem";
  children: PolicyItemCstChildren;
}

export type PolicyItemCstChildren = {
  metaItem?: MetaItemCstNode[];
  scopeItem?: ScopeItemCstNode[];
  omitItem?: OmitItemCstNode[];
  ruleDecl?: RuleDeclCstNode[];
  podSecurityDecl?: PodSecurityDeclCstNode[];
  exceptionDecl?: ExceptionDeclCstNode[];
  verifyImagesDecl?: VerifyImagesDeclCstNode[];
};

export interface VerifyImagesDeclCstNode extends CstNode {
  name: "verifyImagesDecl";
  children: VerifyImagesDeclCstChildren;
}

export type VerifyImagesDeclCstChildren = {
  KwVerify: IToken[];
  KwImages: IToken[];
  name: NameCstNode[];
  KwMatching: IToken[];
  stringList: StringListCstNode[];
  LBrace: IToken[];
  verifyItem?: VerifyItemCstNode[];
  RBrace: IToken[];
};

export interface VerifyItemCstNode extends CstNode {
  name: "verifyItem";
  children: VerifyItemCstChildren;
}

export type VerifyItemCstChildren = {
  KwKey?: IToken[];
  StringLiteral?: (IToken)[];
  KwKeyless?: IToken[];
  KwIssuer?: IToken[];
  KwSubject?: IToken[];
  KwAttestation?: IToken[];
  KwWhere?: IToken[];
  comparison?: ComparisonCstNode[];
  KwAnd?: IToken[];
  KwMutate?: IToken[];
  KwRequire?: IToken[];
  KwDigest?: IToken[];
};

export interface MetaItemCstNode extends CstNode {
  name: "metaItem";
  children: MetaItemCstChildren;
}

export type MetaItemCstChildren = {
  KwTitle?: IToken[];
  KwDescription?: IToken[];
  KwCategory?: IToken[];
  StringLiteral?: IToken[];
  KwSeverity?: IToken[];
  KwMode?: IToken[];
  name?: NameCstNode[];
};

export interface ScopeItemCstNode extends CstNode {
  name: "scopeItem";
  children: ScopeItemCstChildren;
}

export type ScopeItemCstChildren = {
  KwApplies?: IToken[];
  KwTo?: IToken[];
  kindTarget?: KindTargetCstNode[];
  KwIn?: IToken[];
  KwExcept?: IToken[];
  KwNamespaces?: IToken[];
  stringList?: StringListCstNode[];
  KwWhere?: IToken[];
  KwNamespace?: IToken[];
  KwLabels?: IToken[];
  labelTests?: LabelTestsCstNode[];
  KwOn?: IToken[];
  name?: NameCstNode[];
  Comma?: IToken[];
};

export interface KindTargetCstNode extends CstNode {
  name: "kindTarget";
  children: KindTargetCstChildren;
}

export type KindTargetCstChildren = {
  KwPods?: IToken[];
  StringLiteral?: IToken[];
  name?: NameCstNode[];
  Comma?: IToken[];
};

export interface OmitItemCstNode extends CstNode {
  name: "omitItem";
  children: OmitItemCstChildren;
}

export type OmitItemCstChildren = {
  KwOmit: IToken[];
  KwFrom: IToken[];
  name: NameCstNode[];
  Comma?: IToken[];
  KwBecause: IToken[];
  StringLiteral: IToken[];
};

export interface LabelTestsCstNode extends CstNode {
  name: "labelTests";
  children: LabelTestsCstChildren;
}

export type LabelTestsCstChildren = {
  labelTest: LabelTestCstNode[];
  KwAnd?: IToken[];
};

export interface LabelTestCstNode extends CstNode {
  name: "labelTest";
  children: LabelTestCstChildren;
}

export type LabelTestCstChildren = {
  StringLiteral?: (IToken)[];
  Word?: IToken[];
  Equals?: IToken[];
  NotEquals?: IToken[];
  KwNot?: IToken[];
  KwIn?: IToken[];
  valueList?: ValueListCstNode[];
  KwExists?: IToken[];
  KwIs?: IToken[];
  KwAbsent?: IToken[];
};

export interface RuleDeclCstNode extends CstNode {
  name: "ruleDecl";
  children: RuleDeclCstChildren;
}

export type RuleDeclCstChildren = {
  KwRule: IToken[];
  name: NameCstNode[];
  LBrace: IToken[];
  ruleItem?: RuleItemCstNode[];
  RBrace: IToken[];
};

export interface RuleItemCstNode extends CstNode {
  name: "ruleItem";
  children: RuleItemCstChildren;
}

export type RuleItemCstChildren = {
  KwRequire?: IToken[];
  KwForbid?: IToken[];
  KwWhen?: IToken[];
  predicate?: PredicateCstNode[];
  KwTitle?: IToken[];
  KwDescription?: IToken[];
  KwMessage?: IToken[];
  StringLiteral?: IToken[];
  KwApplies?: IToken[];
  KwTo?: IToken[];
  kindTarget?: KindTargetCstNode[];
  omitItem?: OmitItemCstNode[];
};

export interface PredicateCstNode extends CstNode {
  name: "predicate";
  children: PredicateCstChildren;
}

export type PredicateCstChildren = {
  conjunction: ConjunctionCstNode[];
  KwOr?: IToken[];
};

export interface ConjunctionCstNode extends CstNode {
  name: "conjunction";
  children: ConjunctionCstChildren;
}

export type ConjunctionCstChildren = {
  negation: NegationCstNode[];
  KwAnd?: IToken[];
};

export interface NegationCstNode extends CstNode {
  name: "negation";
  children: NegationCstChildren;
}

export type NegationCstChildren = {
  KwNot?: IToken[];
  negation?: NegationCstNode[];
  primary?: PrimaryCstNode[];
};

export interface PrimaryCstNode extends CstNode {
  name: "primary";
  children: PrimaryCstChildren;
}

export type PrimaryCstChildren = {
  LParen?: IToken[];
  predicate?: PredicateCstNode[];
  RParen?: IToken[];
  quantified?: QuantifiedCstNode[];
  comparison?: ComparisonCstNode[];
};

export interface QuantifiedCstNode extends CstNode {
  name: "quantified";
  children: QuantifiedCstChildren;
}

export type QuantifiedCstChildren = {
  KwAny?: IToken[];
  KwEvery?: IToken[];
  KwNo?: IToken[];
  domain: DomainCstNode[];
  KwHas: IToken[];
  primary: PrimaryCstNode[];
};

export interface DomainCstNode extends CstNode {
  name: "domain";
  children: DomainCstChildren;
}

export type DomainCstChildren = {
  KwApp?: IToken[];
  KwInit?: IToken[];
  KwEphemeral?: IToken[];
  KwContainer?: IToken[];
  KwVolume?: IToken[];
  KwPort?: IToken[];
  KwEnv?: IToken[];
  KwRbac?: IToken[];
  KwRule?: IToken[];
  KwSubject?: IToken[];
  KwItem?: IToken[];
  KwIn?: (IToken)[];
  path?: PathCstNode[];
  reference?: ReferenceCstNode[];
  kindList?: KindListCstNode[];
  KwThe?: IToken[];
  KwCluster?: IToken[];
};

export interface ReferenceCstNode extends CstNode {
  name: "reference";
  children: ReferenceCstChildren;
}

export type ReferenceCstChildren = {
  Identifier: (IToken)[];
  KwReferenced: IToken[];
  KwBy: IToken[];
  path: PathCstNode[];
};

export interface ComparisonCstNode extends CstNode {
  name: "comparison";
  children: ComparisonCstChildren;
}

export type ComparisonCstChildren = {
  KwEffective?: IToken[];
  path: PathCstNode[];
  test: TestCstNode[];
};

export interface TestCstNode extends CstNode {
  name: "test";
  children: TestCstChildren;
}

export type TestCstChildren = {
  Equals?: IToken[];
  NotEquals?: IToken[];
  LessEquals?: IToken[];
  GreaterEquals?: IToken[];
  Less?: IToken[];
  Greater?: IToken[];
  operand?: OperandCstNode[];
  KwNot?: (IToken)[];
  KwIn?: (IToken)[];
  valueList?: (ValueListCstNode)[];
  KwMatches?: IToken[];
  KwRegex?: IToken[];
  StringLiteral?: IToken[];
  KwExists?: IToken[];
  KwIs?: IToken[];
  KwUnique?: IToken[];
  KwAmong?: IToken[];
  kindList?: KindListCstNode[];
  KwThe?: IToken[];
  KwCluster?: IToken[];
  KwUnchanged?: IToken[];
  KwAbsent?: IToken[];
  KwEmpty?: IToken[];
  KwContains?: IToken[];
  KwOnly?: IToken[];
  KwNone?: IToken[];
  KwAny?: IToken[];
  KwOf?: IToken[];
  value?: ValueCstNode[];
};

export interface OperandCstNode extends CstNode {
  name: "operand";
  children: OperandCstChildren;
}

export type OperandCstChildren = {
  relative?: RelativeCstNode[];
  value?: ValueCstNode[];
};

export interface RelativeCstNode extends CstNode {
  name: "relative";
  children: RelativeCstChildren;
}

export type RelativeCstChildren = {
  NumberLiteral?: (IToken)[];
  Star?: IToken[];
  path: PathCstNode[];
  Plus?: IToken[];
  Minus?: IToken[];
};

export interface KindListCstNode extends CstNode {
  name: "kindList";
  children: KindListCstChildren;
}

export type KindListCstChildren = {
  StringLiteral: (IToken)[];
  name: (NameCstNode)[];
  Comma?: IToken[];
};

export interface PathCstNode extends CstNode {
  name: "path";
  children: PathCstChildren;
}

export type PathCstChildren = {
  PathStart: IToken[];
  Dot?: IToken[];
  Word?: IToken[];
  LBracket?: IToken[];
  StringLiteral?: IToken[];
  RBracket?: IToken[];
};

export interface ValueCstNode extends CstNode {
  name: "value";
  children: ValueCstChildren;
}

export type ValueCstChildren = {
  StringLiteral?: IToken[];
  NumberLiteral?: IToken[];
  QuantityLiteral?: IToken[];
  KwTrue?: IToken[];
  KwFalse?: IToken[];
};

export interface ValueListCstNode extends CstNode {
  name: "valueList";
  children: ValueListCstChildren;
}

export type ValueListCstChildren = {
  LBracket: IToken[];
  value?: ValueCstNode[];
  Comma?: IToken[];
  RBracket: IToken[];
};

export interface StringListCstNode extends CstNode {
  name: "stringList";
  children: StringListCstChildren;
}

export type StringListCstChildren = {
  StringLiteral: IToken[];
  Comma?: IToken[];
};

export interface PodSecurityDeclCstNode extends CstNode {
  name: "podSecurityDecl";
  children: PodSecurityDeclCstChildren;
}

export type PodSecurityDeclCstChildren = {
  Identifier: IToken[];
  KwPodSecurity: IToken[];
  name: NameCstNode[];
  KwVersion?: IToken[];
  VersionLiteral?: IToken[];
  KwLatest?: IToken[];
};

export interface ExceptionDeclCstNode extends CstNode {
  name: "exceptionDecl";
  children: ExceptionDeclCstChildren;
}

export type ExceptionDeclCstChildren = {
  KwException: IToken[];
  name: NameCstNode[];
  LBrace: IToken[];
  exceptionItem?: ExceptionItemCstNode[];
  RBrace: IToken[];
};

export interface ExceptionItemCstNode extends CstNode {
  name: "exceptionItem";
  children: ExceptionItemCstChildren;
}

export type ExceptionItemCstChildren = {
  KwNamespaces?: IToken[];
  KwImages?: IToken[];
  stringList?: StringListCstNode[];
  KwWorkloads?: IToken[];
  workloadRef?: WorkloadRefCstNode[];
  Comma?: (IToken)[];
  KwControls?: IToken[];
  KwRules?: IToken[];
  name?: NameCstNode[];
  KwReason?: IToken[];
  StringLiteral?: IToken[];
  KwExpires?: IToken[];
  DateLiteral?: IToken[];
};

export interface WorkloadRefCstNode extends CstNode {
  name: "workloadRef";
  children: WorkloadRefCstChildren;
}

export type WorkloadRefCstChildren = {
  name: NameCstNode[];
  StringLiteral: IToken[];
};

export interface NetworkDeclCstNode extends CstNode {
  name: "networkDecl";
  children: NetworkDeclCstChildren;
}

export type NetworkDeclCstChildren = {
  KwNetwork: IToken[];
  name: NameCstNode[];
  LBrace: IToken[];
  networkItem?: NetworkItemCstNode[];
  RBrace: IToken[];
};

export interface NetworkItemCstNode extends CstNode {
  name: "networkItem";
  children: NetworkItemCstChildren;
}

export type NetworkItemCstChildren = {
  KwTitle?: IToken[];
  KwDescription?: IToken[];
  StringLiteral?: (IToken)[];
  KwNamespace?: IToken[];
  workloadDecl?: WorkloadDeclCstNode[];
  defaultDeny?: DefaultDenyCstNode[];
  allowDns?: AllowDnsCstNode[];
  allowFlow?: AllowFlowCstNode[];
  quarantine?: QuarantineCstNode[];
};

export interface QuarantineCstNode extends CstNode {
  name: "quarantine";
  children: QuarantineCstChildren;
}

export type QuarantineCstChildren = {
  KwQuarantine: IToken[];
  KwPods: IToken[];
  KwWhere: IToken[];
  labelTests: LabelTestsCstNode[];
  KwIn?: IToken[];
  KwNamespaces?: IToken[];
  stringList?: StringListCstNode[];
  KwExcept?: IToken[];
  KwNamespace?: IToken[];
  StringLiteral?: IToken[];
};

export interface WorkloadDeclCstNode extends CstNode {
  name: "workloadDecl";
  children: WorkloadDeclCstChildren;
}

export type WorkloadDeclCstChildren = {
  KwWorkload: IToken[];
  name: NameCstNode[];
  KwIn: IToken[];
  KwNamespace: IToken[];
  StringLiteral: IToken[];
  KwWith: IToken[];
  KwLabels: IToken[];
  labelTests: LabelTestsCstNode[];
  KwPorts?: IToken[];
  namedPort?: NamedPortCstNode[];
  Comma?: IToken[];
};

export interface NamedPortCstNode extends CstNode {
  name: "namedPort";
  children: NamedPortCstChildren;
}

export type NamedPortCstChildren = {
  name: NameCstNode[];
  Equals: IToken[];
  portSpec: PortSpecCstNode[];
};

export interface DefaultDenyCstNode extends CstNode {
  name: "defaultDeny";
  children: DefaultDenyCstChildren;
}

export type DefaultDenyCstChildren = {
  KwDefault: IToken[];
  KwDeny: IToken[];
  direction: DirectionCstNode[];
  KwAnd?: IToken[];
  KwIn: IToken[];
  KwNamespaces: IToken[];
  stringList: StringListCstNode[];
};

export interface DirectionCstNode extends CstNode {
  name: "direction";
  children: DirectionCstChildren;
}

export type DirectionCstChildren = {
  KwIngress?: IToken[];
  KwEgress?: IToken[];
};

export interface AllowDnsCstNode extends CstNode {
  name: "allowDns";
  children: AllowDnsCstChildren;
}

export type AllowDnsCstChildren = {
  KwAllow: IToken[];
  KwDns: IToken[];
  KwIn: IToken[];
  KwNamespaces: IToken[];
  stringList: StringListCstNode[];
};

export interface AllowFlowCstNode extends CstNode {
  name: "allowFlow";
  children: AllowFlowCstChildren;
}

export type AllowFlowCstChildren = {
  KwAllow: IToken[];
  KwFrom: IToken[];
  peer: (PeerCstNode)[];
  KwTo: IToken[];
  KwOn?: IToken[];
  portSpec?: PortSpecCstNode[];
  Comma?: IToken[];
};

export interface PeerCstNode extends CstNode {
  name: "peer";
  children: PeerCstChildren;
}

export type PeerCstChildren = {
  KwWorkload?: IToken[];
  name?: NameCstNode[];
  KwPods?: IToken[];
  KwWhere?: (IToken)[];
  labelTests?: (LabelTestsCstNode)[];
  peerNamespace?: PeerNamespaceCstNode[];
  KwNamespace?: IToken[];
  StringLiteral?: (IToken)[];
  KwNamespaces?: IToken[];
  KwCidr?: IToken[];
  KwExcept?: IToken[];
  stringList?: StringListCstNode[];
};

export interface PeerNamespaceCstNode extends CstNode {
  name: "peerNamespace";
  children: PeerNamespaceCstChildren;
}

export type PeerNamespaceCstChildren = {
  KwIn: IToken[];
  KwNamespace?: IToken[];
  StringLiteral?: IToken[];
  KwNamespaces?: IToken[];
  KwWhere?: IToken[];
  labelTests?: LabelTestsCstNode[];
};

export interface PortSpecCstNode extends CstNode {
  name: "portSpec";
  children: PortSpecCstChildren;
}

export type PortSpecCstChildren = {
  name: NameCstNode[];
  NumberLiteral?: IToken[];
  RangeLiteral?: IToken[];
  StringLiteral?: IToken[];
};

export interface DefaultsDeclCstNode extends CstNode {
  name: "defaultsDecl";
  children: DefaultsDeclCstChildren;
}

export type DefaultsDeclCstChildren = {
  KwDefaults: IToken[];
  name: NameCstNode[];
  LBrace: IToken[];
  defaultsItem?: DefaultsItemCstNode[];
  RBrace: IToken[];
};

export interface DefaultsItemCstNode extends CstNode {
  name: "defaultsItem";
  children: DefaultsItemCstChildren;
}

export type DefaultsItemCstChildren = {
  metaItem?: MetaItemCstNode[];
  scopeItem?: ScopeItemCstNode[];
  podSecurityDecl?: PodSecurityDeclCstNode[];
  omitItem?: OmitItemCstNode[];
  KwDefault?: IToken[];
  KwDeny?: IToken[];
  direction?: DirectionCstNode[];
  KwAnd?: IToken[];
  KwAllow?: IToken[];
  KwDns?: IToken[];
};

export interface NameCstNode extends CstNode {
  name: "name";
  children: NameCstChildren;
}

export type NameCstChildren = {
  Word: IToken[];
};

export interface ICstNodeVisitor<IN, OUT> extends ICstVisitor<IN, OUT> {
  file(children: FileCstChildren, param?: IN): OUT;
  importDecl(children: ImportDeclCstChildren, param?: IN): OUT;
  policyDecl(children: PolicyDeclCstChildren, param?: IN): OUT;
  policyItem(children: PolicyItemCstChildren, param?: IN): OUT;
  verifyImagesDecl(children: VerifyImagesDeclCstChildren, param?: IN): OUT;
  verifyItem(children: VerifyItemCstChildren, param?: IN): OUT;
  metaItem(children: MetaItemCstChildren, param?: IN): OUT;
  scopeItem(children: ScopeItemCstChildren, param?: IN): OUT;
  kindTarget(children: KindTargetCstChildren, param?: IN): OUT;
  omitItem(children: OmitItemCstChildren, param?: IN): OUT;
  labelTests(children: LabelTestsCstChildren, param?: IN): OUT;
  labelTest(children: LabelTestCstChildren, param?: IN): OUT;
  ruleDecl(children: RuleDeclCstChildren, param?: IN): OUT;
  ruleItem(children: RuleItemCstChildren, param?: IN): OUT;
  predicate(children: PredicateCstChildren, param?: IN): OUT;
  conjunction(children: ConjunctionCstChildren, param?: IN): OUT;
  negation(children: NegationCstChildren, param?: IN): OUT;
  primary(children: PrimaryCstChildren, param?: IN): OUT;
  quantified(children: QuantifiedCstChildren, param?: IN): OUT;
  domain(children: DomainCstChildren, param?: IN): OUT;
  reference(children: ReferenceCstChildren, param?: IN): OUT;
  comparison(children: ComparisonCstChildren, param?: IN): OUT;
  test(children: TestCstChildren, param?: IN): OUT;
  operand(children: OperandCstChildren, param?: IN): OUT;
  relative(children: RelativeCstChildren, param?: IN): OUT;
  kindList(children: KindListCstChildren, param?: IN): OUT;
  path(children: PathCstChildren, param?: IN): OUT;
  value(children: ValueCstChildren, param?: IN): OUT;
  valueList(children: ValueListCstChildren, param?: IN): OUT;
  stringList(children: StringListCstChildren, param?: IN): OUT;
  podSecurityDecl(children: PodSecurityDeclCstChildren, param?: IN): OUT;
  exceptionDecl(children: ExceptionDeclCstChildren, param?: IN): OUT;
  exceptionItem(children: ExceptionItemCstChildren, param?: IN): OUT;
  workloadRef(children: WorkloadRefCstChildren, param?: IN): OUT;
  networkDecl(children: NetworkDeclCstChildren, param?: IN): OUT;
  networkItem(children: NetworkItemCstChildren, param?: IN): OUT;
  quarantine(children: QuarantineCstChildren, param?: IN): OUT;
  workloadDecl(children: WorkloadDeclCstChildren, param?: IN): OUT;
  namedPort(children: NamedPortCstChildren, param?: IN): OUT;
  defaultDeny(children: DefaultDenyCstChildren, param?: IN): OUT;
  direction(children: DirectionCstChildren, param?: IN): OUT;
  allowDns(children: AllowDnsCstChildren, param?: IN): OUT;
  allowFlow(children: AllowFlowCstChildren, param?: IN): OUT;
  peer(children: PeerCstChildren, param?: IN): OUT;
  peerNamespace(children: PeerNamespaceCstChildren, param?: IN): OUT;
  portSpec(children: PortSpecCstChildren, param?: IN): OUT;
  defaultsDecl(children: DefaultsDeclCstChildren, param?: IN): OUT;
  defaultsItem(children: DefaultsItemCstChildren, param?: IN): OUT;
  name(children: NameCstChildren, param?: IN): OUT;
}
