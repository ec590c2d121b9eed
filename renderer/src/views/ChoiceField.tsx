import type { z } from 'zod';

interface Props<T extends string> {
  label: string;
  value: T;
  options: readonly T[];
  /** Only values this schema accepts reach onPick: the DOM hands back any string. */
  schema: z.ZodType<T>;
  optionLabel: (option: T) => string;
  optionLang?: (option: T) => string | undefined;
  onPick: (value: T) => void;
}

/** A labelled drop-down over a closed set of values. */
export function ChoiceField<T extends string>({ label, value, options, schema, optionLabel, optionLang, onPick }: Props<T>) {
  return (
    <label className="field">
      <span>{label}</span>
      <select
        value={value}
        onChange={(e) => {
          const picked = schema.safeParse(e.target.value);
          if (picked.success) onPick(picked.data);
        }}
      >
        {options.map((option) => (
          <option key={option} value={option} lang={optionLang?.(option)}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
    </label>
  );
}
