import { controllerUsernames, ownedLevels, podControllers } from '../../ir/index.js';
import { RegoNames } from './names.js';
import { regoLiteral, regoPath, regoTerm } from './rego-text.js';

/**
 * The fixed Rego helpers a module may use, and the bookkeeping of one module under construction: a module
 * prints only the helpers its rules use (and their dependencies), so the Rego has no dead code.
 */

interface LibEntry {
  readonly deps: readonly string[];
  readonly text: string;
}

const podTemplatePaths = (): string => {
  const byApiVersion = new Map<string, string[]>();
  for (const c of [...podControllers].sort((a, b) => (a.kind < b.kind ? -1 : 1))) {
    const apiVersion = `${c.group}/${c.version}`;
    (byApiVersion.get(apiVersion) ?? byApiVersion.set(apiVersion, []).get(apiVersion)!).push(`\t\t${regoLiteral(c.kind)}: ${regoPath(c.template)},`);
  }
  const groups = [...byApiVersion.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([v, lines]) => `\t${regoLiteral(v)}: {\n${lines.join('\n')}\n\t},`);
  return `# Where each pod controller keeps its pod template.\npod_template_paths := {\n${groups.join('\n')}\n}`;
};

const workloadLevels = (): string => {
  const lines = [...podControllers]
    .sort((a, b) => (a.kind < b.kind ? -1 : 1))
    .map((c) => {
      const levels = ownedLevels(c.kind).map((l) => `\t\t${regoTerm({ apiVersion: l.apiVersion, kind: l.kind, owner: l.owner, users: controllerUsernames(l) })},`);
      return `\t${regoLiteral(c.kind)}: [\n${levels.join('\n')}\n\t],`;
    });
  return `# What the controllers of each kind of workload create (src/ir/workloads.ts): the object's apiVersion and kind, its
# controller ownerReference (the workload itself, or one the workload's controller named "<name>-<suffix>"), and
# the users that create it: the controller's service account, or the controller manager's own user.
workload_levels := {\n${lines.join('\n')}\n}`;
};

/** The fixed helpers, in the order they are printed; placeholders (empty text) are defined per policy. */
const library: Readonly<Record<string, LibEntry>> = {
  pod_view: {
    deps: ['pod_template_paths', 'value_at', 'object_or_empty'],
    text: `# The pod a rule reads (semantics §1): a Pod itself, or the pod template of a pod controller, with the
# controller's own name and namespace (the API server creates the pods there, whatever the template says).
pod_view := input.review.object if {
	input.review.object.apiVersion == "v1"
	input.review.object.kind == "Pod"
}

pod_view := {"metadata": metadata, "spec": value_at(template, ["spec"])} if {
	path := pod_template_paths[input.review.object.apiVersion][input.review.object.kind]
	template := value_at(input.review.object, path)
	own := object.filter(object_or_empty(value_at(input.review.object, ["metadata"])), ["name", "namespace"])
	metadata := object.union(object.remove(object_or_empty(value_at(template, ["metadata"])), ["name", "namespace"]), own)
}`,
  },
  pod_template_paths: { deps: [], text: podTemplatePaths() },
  containers: {
    deps: ['list_at', 'pod_view'],
    text: `# Every container of the pod view: containers, then initContainers, then ephemeralContainers.
containers := array.concat(
	array.concat(list_at(pod_view, ["spec", "containers"]), list_at(pod_view, ["spec", "initContainers"])),
	list_at(pod_view, ["spec", "ephemeralContainers"]),
)`,
  },
  review_operation: {
    deps: [],
    text: `# The operation under review. Gatekeeper's audit and gator review existing objects with operation "": an
# audit counts as a CREATE (semantics §1).
review_operation := op if {
	op := input.review.operation
	op != ""
} else := "CREATE"`,
  },
  in_scope: { deps: [], text: '' },
  object_namespace: {
    deps: ['value_at'],
    text: `# The object's namespace: its metadata.namespace, else the request's; null for a cluster-scoped object
# (always defined, so that \`not object_namespace in [..]\` holds for it: OPA evaluates the operand outside the \`not\`).
object_namespace := ns if {
	ns := value_at(input.review.object, ["metadata", "namespace"])
	is_string(ns)
	ns != ""
} else := ns if {
	ns := input.review.namespace
	is_string(ns)
	ns != ""
} else := null`,
  },
  object_labels: {
    deps: ['value_at'],
    text: `# The object's own labels (a controller's, not its template's) with string values.
object_labels := {key: value | some key, value in value_at(input.review.object, ["metadata", "labels"]); is_string(value)}`,
  },
  object_label: {
    deps: ['object_labels'],
    text: `# The object's label \`key\`, null when it has none: always defined, so \`not object_label(k) in [..]\`
# holds for an absent label (OPA evaluates the operand outside the \`not\`).
object_label(key) := object.get(object_labels, key, null)`,
  },
  is_workload: {
    deps: ['object_namespace', 'value_at', 'list_at', 'workload_levels', 'owner_name_matches'],
    text: `# The object is the named workload (same kind, namespace and name), or an object its controllers created: the
# request comes from that controller and a controller ownerReference names the workload. Never a name prefix: a
# user can name a pod after a workload and write any ownerReference, not send the request as the controller.
is_workload(kind, namespace, name) if {
	object_namespace == namespace
	input.review.object.kind == kind
	value_at(input.review.object, ["metadata", "name"]) == name
}

is_workload(kind, namespace, name) if {
	object_namespace == namespace
	some level in workload_levels[kind]
	input.review.object.apiVersion == level.apiVersion
	input.review.object.kind == level.kind
	input.review.userInfo.username in level.users
	some ref in list_at(input.review.object, ["metadata", "ownerReferences"])
	ref.controller == true
	ref.apiVersion == level.owner.apiVersion
	ref.kind == level.owner.kind
	owner_name_matches(level.owner.name, name, ref.name)
}`,
  },
  workload_levels: { deps: [], text: workloadLevels() },
  owner_name_matches: {
    deps: [],
    text: `# An owner named as the level expects: the workload's own name, or "<name>-<suffix>" with no "-" in the suffix
# (a Deployment's ReplicaSet "<name>-<pod-template-hash>", a CronJob's Job "<name>-<minutes>").
owner_name_matches("exact", name, owner) if owner == name

owner_name_matches("generated", name, owner) if {
	is_string(owner)
	prefix := concat("", [name, "-"])
	startswith(owner, prefix)
	suffix := substring(owner, count(prefix), -1)
	suffix != ""
	not contains(suffix, "-")
}`,
  },
  object_or_empty: {
    deps: [],
    text: `# x when it is an object, else {} (a missing or mistyped metadata has no fields).
object_or_empty(x) := x if {
	is_object(x)
} else := {}`,
  },
  value_at: {
    deps: [],
    text: `# The value at path, or null when a step is absent or not an object: secpol's "missing" (semantics §3).
value_at(x, path) := object.get(x, path, null) if {
	is_object(x)
} else := null`,
  },
  list_at: {
    deps: ['value_at'],
    text: `# The list at path; a missing or non-list value contributes no elements.
list_at(x, path) := list if {
	list := value_at(x, path)
	is_array(list)
} else := []`,
  },
  number: {
    deps: [],
    text: `# A JSON number; undefined for anything else (no coercion: "1" is not 1).
number(x) := x if is_number(x)`,
  },
  quantity_small: {
    deps: [],
    text: `# quantity(x) for the n (10^-9) and u (10^-6) suffixes, divided so that 100u is the double nearest 0.0001.
quantity(x) := to_number(concat("", [m[1], m[2]])) / {"n": 1000000000, "u": 1000000}[m[3]] if {
	is_string(x)
	m := regex.find_all_string_submatch_n(\`^(?:\\+|(-))?([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(n|u)$\`, x, 1)[0]
}`,
  },
  quantity: {
    deps: ['quantity_factors', 'quantity_small'],
    text: `# A Kubernetes quantity in base units (512Mi = 536870912, 500m = 0.5): a JSON number, or a string in
# quantity syntax; undefined for anything else. Written out: units.parse is not Kubernetes' syntax (it takes "1K", "1ki").
quantity(x) := x if is_number(x)

quantity(x) := to_number(concat("", [m[1], m[2]])) * quantity_factors[m[3]] if {
	is_string(x)
	m := regex.find_all_string_submatch_n(\`^(?:\\+|(-))?([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|)$\`, x, 1)[0]
}

quantity(x) := to_number(concat("", [m[1], m[2], "e", m[3]])) * 1 if {
	is_string(x)
	m := regex.find_all_string_submatch_n(\`^(?:\\+|(-))?([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)[eE]([+-]?[0-9]+)$\`, x, 1)[0]
}`,
  },
  quantity_nano: {
    deps: ['quantity_nano_text'],
    text: `# A Kubernetes quantity as a whole number of nano-units (10^-9), computed with integers only so that OPA's exact
# integer arithmetic compares it exactly (semantics §3.5): a JSON number (read through its text) or a quantity
# string; undefined for anything else and for values finer than nano-units.
quantity_nano(x) := quantity_nano_text(sprintf("%v", [x])) if is_number(x)

quantity_nano(x) := quantity_nano_text(x) if is_string(x)`,
  },
  quantity_nano_text: {
    deps: ['quantity_shift', 'quantity_suffixes'],
    text: `quantity_nano_text(s) := n if {
	m := regex.find_all_string_submatch_n(\`^(\\+|-)?([0-9]*)(?:\\.([0-9]*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE](\\+|-)?([0-9]+))?$\`, s, 1)[0]
	digits := concat("", [m[2], m[3]])
	digits != ""
	exponent := quantity_suffixes[m[4]][0] + quantity_exponent(m[5], m[6])
	magnitude := quantity_shift(digits, (exponent + 9) - count(m[3])) * quantity_suffixes[m[4]][1]
	n := magnitude * {"": 1, "+": 1, "-": -1}[m[1]]
}

quantity_exponent(sign, digits) := 0 if digits == ""

quantity_exponent(sign, digits) := to_number(digits) * {"": 1, "+": 1, "-": -1}[sign] if digits != ""`,
  },
  quantity_shift: {
    deps: [],
    text: `# digits × 10^shift as an integer (digits are decimal digits); undefined when that is not whole.
quantity_shift(digits, shift) := to_number(digits) if shift == 0

quantity_shift(digits, shift) := to_number(concat("", [digits, zeros])) if {
	shift > 0
	places := numbers.range(1, shift)
	zeros := concat("", [zero | some _ in places; zero := "0"])
}

quantity_shift(digits, shift) := to_number(concat("", ["0", substring(digits, 0, count(digits) + shift)])) if {
	shift < 0
	count(digits) + shift >= 0
	regex.match(\`^0*$\`, substring(digits, count(digits) + shift, -1))
}

quantity_shift(digits, shift) := 0 if {
	shift < 0
	count(digits) + shift < 0
	regex.match(\`^0*$\`, digits)
}`,
  },
  quantity_suffixes: {
    deps: [],
    text: `# Each quantity suffix as [decimal exponent, binary multiplier].
quantity_suffixes := {
	"": [0, 1], "n": [-9, 1], "u": [-6, 1], "m": [-3, 1], "k": [3, 1], "M": [6, 1], "G": [9, 1], "T": [12, 1], "P": [15, 1], "E": [18, 1],
	"Ki": [0, 1024], "Mi": [0, 1048576], "Gi": [0, 1073741824], "Ti": [0, 1099511627776],
	"Pi": [0, 1125899906842624], "Ei": [0, 1152921504606846976],
}`,
  },
  quantity_factors: {
    deps: [],
    text: `quantity_factors := {
	"": 1, "m": 0.001, "k": 1000, "M": 1000000, "G": 1000000000, "T": 1000000000000,
	"P": 1000000000000000, "E": 1000000000000000000,
	"Ki": 1024, "Mi": 1048576, "Gi": 1073741824, "Ti": 1099511627776,
	"Pi": 1125899906842624, "Ei": 1152921504606846976,
}`,
  },
  differs: {
    deps: [],
    text: `# != v: present and not equal.
differs(x, v) if {
	x != null
	x != v
}`,
  },
  not_in: {
    deps: [],
    text: `# not in [..]: present and equal to none of the values.
not_in(x, values) if {
	x != null
	not x in values
}`,
  },
  is_empty: {
    deps: [],
    text: `# is empty: missing, "", [] or {}.
is_empty(x) if x in [null, "", [], {}]`,
  },
  matches_glob: {
    deps: [],
    text: `# matches "glob": a string matching the whole glob; null delimiters, so * also matches "/", ":" and ".".
matches_glob(x, pattern) if {
	is_string(x)
	glob.match(pattern, null, x)
}`,
  },
  not_matches_glob: {
    deps: [],
    text: `not_matches_glob(x, pattern) if {
	is_string(x)
	not glob.match(pattern, null, x)
}`,
  },
  matches_any_glob: {
    deps: ['matches_glob'],
    text: `matches_any_glob(x, patterns) if {
	some pattern in patterns
	matches_glob(x, pattern)
}`,
  },
  matches_regex: {
    deps: [],
    text: `# matches regex "re": a string in which the RE2 regex finds a match (unanchored).
matches_regex(x, pattern) if {
	is_string(x)
	regex.match(pattern, x)
}`,
  },
  not_matches_regex: {
    deps: [],
    text: `not_matches_regex(x, pattern) if {
	is_string(x)
	not regex.match(pattern, x)
}`,
  },
  list_contains: {
    deps: [],
    text: `# contains v: a list with an element equal to v.
list_contains(list, v) if {
	is_array(list)
	v in list
}`,
  },
  contains_only: {
    deps: [],
    text: `# contains only [..]: every element is one of the values (a missing list qualifies).
contains_only(list, _) if list == null

contains_only(list, values) if {
	is_array(list)
	every element in list {
		element in values
	}
}`,
  },
  contains_none: {
    deps: [],
    text: `# contains none of [..]: no element is one of the values (a missing list qualifies).
contains_none(list, _) if list == null

contains_none(list, values) if {
	is_array(list)
	every element in list {
		not element in values
	}
}`,
  },
  contains_any: {
    deps: [],
    text: `# contains any of [..]: some element is one of the values.
contains_any(list, values) if {
	is_array(list)
	some element in list
	element in values
}`,
  },
  pod_annotations: {
    deps: ['pod_view', 'value_at'],
    text: `# The pod view's annotations; none when missing or not an object.
pod_annotations := annotations if {
	annotations := value_at(pod_view, ["metadata", "annotations"])
	is_object(annotations)
} else := {}`,
  },
  pss_apparmor_annotation_ok: {
    deps: [],
    text: `# A legacy AppArmor annotation value the baseline level allows.
pss_apparmor_annotation_ok(value) if value in ["", "runtime/default"]

pss_apparmor_annotation_ok(value) if {
	is_string(value)
	startswith(value, "localhost/")
}`,
  },
  pss_seccomp_annotation_ok: {
    deps: [],
    text: `# A legacy seccomp annotation value the baseline level allows.
pss_seccomp_annotation_ok(value) if value in ["runtime/default", "docker/default"]

pss_seccomp_annotation_ok(value) if {
	is_string(value)
	startswith(value, "localhost/")
}`,
  },
  pss_pod_exempt: { deps: [], text: '' },
  pss_container_exempt: { deps: [], text: '' },
  pss_containers: { deps: [], text: '' },
  pss_annotation_counts: { deps: [], text: '' },
  message_value: {
    deps: [],
    text: `# A field's value as message text.
message_value(x) := "<missing>" if {
	x == null
} else := x if {
	is_string(x)
} else := json.marshal(x)`,
  },
};

export type LibName = keyof typeof library;
const libraryOrder = Object.keys(library);

/**
 * One Rego module under construction: identifiers, the fixed helpers it uses, and the helpers generated
 * for its rules (printed in creation order). Pure bookkeeping; printing happens in module.ts.
 */
export class RegoModule {
  readonly names: RegoNames;
  private readonly used = new Set<string>();
  private readonly generated: string[] = [];
  private readonly generatedByKey = new Map<string, string>();
  private readonly custom = new Map<string, string>();

  constructor() {
    // Fixed helpers, the entry point, and the local variables the fixed helpers and rule bodies use.
    this.names = new RegoNames([...libraryOrder, 'violation', 'msg', 'failures', 'template', 'path', 'own', 'metadata', 'ns', 'key', 'value', 'list', 'element', 'pattern', 'patterns', 'values', 'x', 'v', 'm', 'c', 'annotations', 'field', 'capability', 'volume', 'port', 'handler', 'host', 'source', 'settings', 'o', 's', 'named', 'control', 'image', 'obj', 'name', 'target']);
  }

  /** Marks a fixed helper (and what it calls) as used; returns its name for splicing. */
  use(name: LibName): string {
    if (this.used.has(name)) return name;
    this.used.add(name);
    for (const d of library[name]?.deps ?? []) this.use(d as LibName);
    return name;
  }

  /** A fixed helper whose text depends on the policy (e.g. `in_scope`), printed in library order. */
  define(name: LibName, text: string, deps: readonly LibName[] = []): string {
    this.custom.set(name, text);
    for (const d of deps) this.use(d);
    return this.use(name);
  }

  /** Adds generated helper text once per key; returns the name `make` allocated the first time. */
  once(key: string, make: () => { name: string; text: string }): string {
    const known = this.generatedByKey.get(key);
    if (known !== undefined) return known;
    const { name, text } = make();
    this.generatedByKey.set(key, name);
    this.generated.push(text);
    return name;
  }

  /** Adds a generated helper definition. */
  add(text: string): void {
    this.generated.push(text);
  }

  /** Generated helpers first, then the fixed ones in library order. */
  helpers(): string[] {
    const fixed = libraryOrder.filter((n) => this.used.has(n)).map((n) => this.custom.get(n) ?? library[n]!.text);
    return [...this.generated, ...fixed];
  }
}
