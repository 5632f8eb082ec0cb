// The new-session form, derived from the contract's schema (main/contract/session-config.ts) rather
// than written out by hand: every enum becomes a select with the contract's own options, numbers
// keep their bounds, and knobs added to the schema later appear under "Advanced" without a change
// here. Only labels and the order of the main fields are this file's. The form is checked with the
// same schema before anything is sent. Pure (no DOM), so it is unit-tested in Node.
import {
  ENV_IDS,
  learningDefaults,
  PRESETS,
  sessionConfigFieldsSchema,
  sessionConfigSchema,
  type LearningDefaults,
  type SessionConfigInput,
} from '../../../main/contract/session-config.ts';

/** The little of zod's runtime shape this file reads. */
interface SchemaNode {
  def: { type: string; innerType?: SchemaNode; defaultValue?: unknown };
  options?: ReadonlyArray<string | SchemaNode>;
  shape?: Record<string, SchemaNode>;
  value?: unknown;
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
}

export type FieldControl = 'select' | 'number' | 'text';

export interface FormField {
  /** Dotted path into the config: 'warmup', 'aim.cadenceEvery', 'expert'. */
  key: string;
  label: string;
  control: FieldControl;
  options?: Array<{ value: string; label: string }>;
  min?: number;
  max?: number;
  integer?: boolean;
  /** Blank means "leave it to the default" (the value is left out of the request). */
  optional: boolean;
  advanced: boolean;
  testId: string;
  /** Shown only when another field has this value (expert kinds' own fields). */
  when?: { key: string; value: string };
}

export type FormValues = Record<string, string>;

const LABELS: Record<string, string> = {
  env: 'Environment',
  method: 'Method',
  preset: 'Preset',
  expert: 'Expert',
  operator: 'Operator',
  seed: 'Seed',
  steps: 'Steps (0 = until stopped)',
  warmup: 'Warm-up steps',
  delta: 'δ (help rate)',
  pace: 'Pace',
  backend: 'Backend',
  batchSize: 'Batch size',
  learnerMode: 'Learner mode',
  evalEvery: 'Evaluate every N expert steps (0 = never)',
  evalEpisodes: 'Evaluation episodes',
  evalSeedStart: 'First evaluation seed',
  initialPolicy: 'Start from an exported policy (folder)',
  device: 'Device',
};

const OPTION_LABELS: Record<string, Record<string, string>> = {
  env: { toy: 'Toy road (case study)', driving: 'Driving (3 blocks, traffic)', grid: 'Grid rooms' },
  method: { aim: 'AIM' },
  preset: { reference: 'Reference (release code)', paper: 'Paper' },
  expert: { scripted: 'Simulated expert', person: 'A person', human: 'A person' },
  pace: { realtime: 'Real time', fast: 'As fast as possible' },
  backend: { auto: 'Automatic' },
};

/** The main fields, in this order; everything else in the schema is advanced. */
const MAIN = [
  'env',
  'method',
  'preset',
  'expert',
  'delta',
  'warmup',
  'operator',
  'seed',
  'pace',
  'batchSize',
  'backend',
];

function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function kebab(key: string): string {
  return key
    .replace(/\./g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

function unwrap(node: SchemaNode): { inner: SchemaNode; optional: boolean } {
  let inner = node;
  let optional = false;
  while ((inner.def.type === 'default' || inner.def.type === 'optional') && inner.def.innerType) {
    if (inner.def.type === 'optional') optional = true;
    inner = inner.def.innerType;
  }
  return { inner, optional };
}

function optionsFor(key: string, values: readonly string[], optional: boolean): FormField['options'] {
  const labels = OPTION_LABELS[key.split('.').pop() ?? key] ?? {};
  const out = values.map((v) => ({ value: v, label: labels[v] ?? v }));
  return optional ? [{ value: '', label: 'Default' }, ...out] : out;
}

function fieldFor(key: string, node: SchemaNode, advanced: boolean, forceOptional = false): FormField[] {
  const { inner, optional: isOptional } = unwrap(node);
  const optional = isOptional || forceOptional;
  const leaf = key.split('.').pop() ?? key;
  const base = { key, label: LABELS[key] ?? LABELS[leaf] ?? humanize(leaf), optional, advanced };
  switch (inner.def.type) {
    case 'enum': {
      const values = (inner.options ?? []).filter((o): o is string => typeof o === 'string');
      return [
        {
          ...base,
          control: 'select',
          options: optionsFor(key, values, optional),
          testId: `${kebab(key)}-select`,
        },
      ];
    }
    case 'boolean':
      return [
        {
          ...base,
          control: 'select',
          options: [
            ...(optional ? [{ value: '', label: 'Default' }] : []),
            { value: 'true', label: 'On' },
            { value: 'false', label: 'Off' },
          ],
          testId: `${kebab(key)}-select`,
        },
      ];
    case 'number':
      return [
        {
          ...base,
          control: 'number',
          min: inner.minValue ?? undefined,
          max: inner.maxValue ?? undefined,
          integer: inner.isInt === true,
          testId: `${kebab(key)}-input`,
        },
      ];
    case 'string':
      return [{ ...base, control: 'text', testId: `${kebab(key)}-input` }];
    case 'object': {
      // A nested group of knobs (aim): each one its own optional field.
      const shape = inner.shape ?? {};
      return Object.entries(shape).flatMap(([k, v]) => fieldFor(`${key}.${k}`, v, true, true));
    }
    case 'union': {
      // A discriminated union on kind (expert source): a select of kinds, then each kind's own fields.
      const variants = (inner.options ?? []).filter((o): o is SchemaNode => typeof o !== 'string');
      const kinds = variants.map((v) => String(v.shape?.kind?.value ?? ''));
      const own = variants.flatMap((variant, i) =>
        Object.entries(variant.shape ?? {})
          .filter(([k]) => k !== 'kind')
          .flatMap(([k, v]) =>
            // A kind's field with a default may stay blank (the default applies), as the kind's
            // defaults are not among the config's own.
            fieldFor(`${key}.${k}`, v, advanced, v.def.type === 'default').map((f) => ({
              ...f,
              when: { key, value: kinds[i] },
            })),
          ),
      );
      return [
        {
          ...base,
          control: 'select',
          options: optionsFor(key, kinds, false),
          testId: `${kebab(key)}-select`,
        },
        ...own,
      ];
    }
    default:
      // Kinds the form cannot edit yet keep their schema default.
      return [];
  }
}

/** The form's fields from a config schema (the contract's by default): main ones first. */
export function sessionFormFields(schema: unknown = sessionConfigFieldsSchema): FormField[] {
  const shape = (schema as SchemaNode).shape ?? {};
  const main = MAIN.filter((k) => k in shape).flatMap((k) => fieldFor(k, shape[k], false));
  const rest = Object.keys(shape)
    .filter((k) => !MAIN.includes(k))
    .flatMap((k) => fieldFor(k, shape[k], true));
  return [...main, ...rest];
}

/** The form's starting values: the schema's defaults, as text. */
export function defaultFormValues(
  fields: readonly FormField[],
  schema: unknown = sessionConfigSchema,
): FormValues {
  const defaults = (schema as { parse(v: unknown): unknown }).parse({}) as Record<string, unknown>;
  const values: FormValues = {};
  for (const field of fields) {
    const value = field.key
      .split('.')
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], defaults);
    if (field.key === 'expert')
      values[field.key] = String((value as { kind?: unknown } | undefined)?.kind ?? '');
    else
      values[field.key] =
        value === undefined || value === null || typeof value === 'object' ? '' : String(value);
  }
  return values;
}

/** The fields whose defaults follow the environment and preset. */
const LEARNING_KEYS: ReadonlyArray<keyof LearningDefaults> = ['warmup', 'delta', 'batchSize'];

function learningDefaultsOf(values: FormValues): LearningDefaults | null {
  const env = ENV_IDS.find((e) => e === values.env);
  const preset = PRESETS.find((p) => p === values.preset);
  return env && preset ? learningDefaults(env, preset) : null;
}

/**
 * The form after one field changes. Choosing another environment or preset moves the knobs still at
 * the previous choice's defaults to the new choice's, so a grid session does not start with the
 * driving batch; a value the person typed stays, and a blank one stays blank (the core fills it).
 */
export function changeField(values: FormValues, key: string, value: string): FormValues {
  const next = { ...values, [key]: value };
  if (key !== 'env' && key !== 'preset') return next;
  const before = learningDefaultsOf(values);
  const after = learningDefaultsOf(next);
  if (before === null || after === null) return next;
  for (const knob of LEARNING_KEYS) {
    const current = values[knob]?.trim();
    if (current !== undefined && current !== '' && Number(current) === before[knob])
      next[knob] = String(after[knob]);
  }
  return next;
}

/** Whether a field is shown for these values (expert kinds' own fields). */
export function fieldVisible(field: FormField, values: FormValues): boolean {
  return field.when === undefined || values[field.when.key] === field.when.value;
}

/** The request the form means: blank optional fields left out, numbers as numbers. */
export function formToConfig(fields: readonly FormField[], values: FormValues): SessionConfigInput {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (!fieldVisible(field, values)) continue;
    const raw = (values[field.key] ?? '').trim();
    if (raw === '' && field.optional) continue;
    let value: unknown;
    if (field.control === 'number') value = raw === '' ? Number.NaN : Number(raw);
    else if (
      field.control === 'select' &&
      (raw === 'true' || raw === 'false') &&
      field.options?.some((o) => o.value === 'true')
    )
      value = raw === 'true';
    else value = raw;
    setPath(out, field.key, field.key === 'expert' ? { kind: value } : value);
  }
  return out as SessionConfigInput;
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const leaf = parts[parts.length - 1];
  const existing = node[leaf];
  // The expert's kind and the kind's own fields merge into one object.
  node[leaf] =
    typeof existing === 'object' && existing !== null && typeof value === 'object' && value !== null
      ? { ...existing, ...value }
      : value;
}

export interface CheckedConfig {
  ok: boolean;
  config: SessionConfigInput;
  /** One sentence naming each refused field. */
  error: string | null;
}

/** Checks the form with the contract's schema; the error names fields by their labels. */
export function checkForm(
  fields: readonly FormField[],
  values: FormValues,
  schema: unknown = sessionConfigSchema,
): CheckedConfig {
  const config = formToConfig(fields, values);
  const result = (
    schema as {
      safeParse(v: unknown): {
        success: boolean;
        error?: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> };
      };
    }
  ).safeParse(config);
  if (result.success) return { ok: true, config, error: null };
  const labels = new Map(fields.map((f) => [f.key, f.label]));
  const issues = (result.error?.issues ?? []).map((issue) => {
    const key = issue.path.map(String).join('.');
    const label = labels.get(key) ?? (key || 'form');
    return `${key || 'form'} (${label}): ${issue.message}`;
  });
  return { ok: false, config, error: `Cannot start: ${issues.join('; ')}.` };
}
