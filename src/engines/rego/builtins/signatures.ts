/**
 * The declared argument and result types of every supported builtin, as OPA declares them in
 * `ast/builtins.go` (the `Decl: types.NewFunction(types.Args(...), result)` of each builtin; read from OPA's
 * source, OPA 0.70 / v1). The type checker (typecheck.ts) rejects a call whose argument cannot have its
 * parameter's type, as OPA's `checkExprBuiltin` does.
 */
import { A, anyOf, arrayOf, B, N, Nl, objectOf, S, setOf, type RType } from '../static-types.js';

export interface Signature {
  readonly args: readonly RType[];
  readonly result: RType;
}

const sig = (args: readonly RType[], result: RType): Signature => ({ args, result });

const anyObject = objectOf({ key: A, value: A });
const setOfAny = setOf(A);
const arrayOfAny = arrayOf(A);
const strings = anyOf(S, setOf(S), arrayOf(S));
const jsonPaths = anyOf(arrayOf(anyOf(S, arrayOfAny)), setOf(anyOf(S, arrayOfAny)));
const keyList = anyOf(arrayOfAny, setOfAny, anyObject);

const s1s = sig([S], S);
const s2s = sig([S, S], S);
const s2b = sig([S, S], B);
const a1b = sig([A], B);
const cmp = sig([A, A], B);
const n2n = sig([N, N], N);
const n1n = sig([N], N);

export const signatures: ReadonlyMap<string, Signature> = new Map<string, Signature>([
  // Comparison and membership (Equal, NotEqual, GreaterThan..., Member, MemberWithKey).
  ['equal', cmp],
  ['neq', cmp],
  ['lt', cmp],
  ['lte', cmp],
  ['gt', cmp],
  ['gte', cmp],
  ['internal.member_2', cmp],
  ['internal.member_3', sig([A, A, A], B)],
  // Numbers (Plus, Minus, Multiply, Divide, Rem, Round, Ceil, Floor, Abs, NumbersRange*, ToNumber, FormatInt, Units*).
  ['plus', n2n],
  ['minus', sig([anyOf(N, setOfAny), anyOf(N, setOfAny)], anyOf(N, setOfAny))],
  ['mul', n2n],
  ['div', n2n],
  ['rem', n2n],
  ['round', n1n],
  ['ceil', n1n],
  ['floor', n1n],
  ['abs', n1n],
  ['numbers.range', sig([N, N], arrayOf(N))],
  ['numbers.range_step', sig([N, N, N], arrayOf(N))],
  ['to_number', sig([anyOf(N, S, B, Nl)], N)],
  ['format_int', sig([N, N], S)],
  ['units.parse_bytes', sig([S], N)],
  ['units.parse', sig([S], N)],
  // Aggregates (Count, Sum, Product, Max, Min, Sort, All, Any).
  ['count', sig([anyOf(setOfAny, arrayOfAny, anyObject, S)], N)],
  ['sum', sig([anyOf(setOf(N), arrayOf(N))], N)],
  ['product', sig([anyOf(setOf(N), arrayOf(N))], N)],
  ['max', sig([anyOf(setOfAny, arrayOfAny)], A)],
  ['min', sig([anyOf(setOfAny, arrayOfAny)], A)],
  ['sort', sig([anyOf(arrayOfAny, setOfAny)], arrayOfAny)],
  ['all', sig([anyOf(setOfAny, arrayOfAny)], B)],
  ['any', sig([anyOf(setOfAny, arrayOfAny)], B)],
  // Sets (Or, And, Union, Intersection).
  ['or', sig([setOfAny, setOfAny], setOfAny)],
  ['and', sig([setOfAny, setOfAny], setOfAny)],
  ['union', sig([setOf(setOfAny)], setOfAny)],
  ['intersection', sig([setOf(setOfAny)], setOfAny)],
  // Arrays (ArrayConcat, ArraySlice, ArrayReverse).
  ['array.concat', sig([arrayOfAny, arrayOfAny], arrayOfAny)],
  ['array.slice', sig([arrayOfAny, N, N], arrayOfAny)],
  ['array.reverse', sig([arrayOfAny], arrayOfAny)],
  // Objects (ObjectGet, ObjectKeys, ObjectRemove, ObjectFilter, ObjectUnion, ObjectUnionN, ObjectSubset, JSONFilter, JSONRemove).
  ['object.get', sig([anyObject, A, A], A)],
  ['object.keys', sig([anyObject], setOfAny)],
  ['object.remove', sig([anyObject, keyList], A)],
  ['object.filter', sig([anyObject, keyList], A)],
  ['object.union', sig([anyObject, anyObject], A)],
  ['object.union_n', sig([arrayOf(anyObject)], A)],
  ['object.subset', sig([anyOf(anyObject, setOfAny, arrayOfAny), anyOf(anyObject, setOfAny, arrayOfAny)], A)],
  ['json.filter', sig([anyObject, jsonPaths], A)],
  ['json.remove', sig([anyObject, jsonPaths], A)],
  // Strings.
  ['concat', sig([S, anyOf(setOf(S), arrayOf(S))], S)],
  ['contains', s2b],
  ['startswith', s2b],
  ['endswith', s2b],
  ['lower', s1s],
  ['upper', s1s],
  ['indexof', sig([S, S], N)],
  ['indexof_n', sig([S, S], arrayOf(N))],
  ['replace', sig([S, S, S], S)],
  ['strings.replace_n', sig([objectOf({ key: S, value: S }), S], S)],
  ['split', sig([S, S], arrayOf(S))],
  ['substring', sig([S, N, N], S)],
  ['trim', s2s],
  ['trim_left', s2s],
  ['trim_right', s2s],
  ['trim_prefix', s2s],
  ['trim_suffix', s2s],
  ['trim_space', s1s],
  ['strings.any_prefix_match', sig([strings, strings], B)],
  ['strings.any_suffix_match', sig([strings, strings], B)],
  ['strings.reverse', s1s],
  ['strings.count', sig([S, S], N)],
  ['sprintf', sig([S, arrayOfAny], S)],
  // Regular expressions and globs (RegexMatch, RegexMatchDeprecated, RegexIsValid, RegexSplit, RegexFind, ...).
  ['regex.match', s2b],
  ['re_match', s2b],
  ['regex.is_valid', sig([S], B)],
  ['regex.split', sig([S, S], arrayOf(S))],
  ['regex.find_n', sig([S, S, N], arrayOf(S))],
  ['regex.find_all_string_submatch_n', sig([S, S, N], arrayOf(arrayOf(S)))],
  ['regex.replace', sig([S, S, S], S)],
  ['glob.match', sig([S, anyOf(arrayOf(S), Nl), S], B)],
  ['glob.quote_meta', s1s],
  // Types (IsNumber ... IsNull, TypeNameBuiltin).
  ['is_string', a1b],
  ['is_number', a1b],
  ['is_boolean', a1b],
  ['is_array', a1b],
  ['is_set', a1b],
  ['is_object', a1b],
  ['is_null', a1b],
  ['type_name', sig([A], S)],
  // Encoding.
  ['json.marshal', sig([A], S)],
  [
    'json.marshal_with_options',
    sig([A, objectOf({ key: S, value: A }, [{ key: 'indent', value: S }, { key: 'prefix', value: S }, { key: 'pretty', value: B }])], S),
  ],
  ['json.unmarshal', sig([S], A)],
  ['json.is_valid', sig([S], B)],
  ['yaml.marshal', sig([A], S)],
  ['yaml.unmarshal', sig([S], A)],
  ['yaml.is_valid', sig([S], B)],
  ['base64.encode', s1s],
  ['base64.decode', s1s],
  ['base64.is_valid', sig([S], B)],
  ['base64url.encode', s1s],
  ['base64url.encode_no_pad', s1s],
  ['base64url.decode', s1s],
  ['hex.encode', s1s],
  ['hex.decode', s1s],
  ['urlquery.encode', s1s],
  ['urlquery.decode', s1s],
  ['urlquery.encode_object', sig([objectOf({ key: S, value: anyOf(S, arrayOf(S), setOf(S)) })], S)],
  // Time, semantic versions, tracing (NowNanos, ParseRFC3339Nanos, SemVerIsValid, SemVerCompare, Trace).
  ['time.now_ns', sig([], N)],
  ['time.parse_rfc3339_ns', sig([S], N)],
  ['semver.is_valid', a1b],
  ['semver.compare', sig([S, S], N)],
  ['trace', sig([S], B)],
]);
