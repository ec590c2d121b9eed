import type { EntenteApi } from '../../../../shared/api/contract';

export interface SettingsViewProps {
  api: EntenteApi;
}

export function SettingsView(_props: SettingsViewProps) {
  return <section className="panel" />;
}
