import type { EntenteApi } from '../../../../shared/api/contract';

export interface AuditViewProps {
  api: EntenteApi;
}

export function AuditView(_props: AuditViewProps) {
  return <section className="panel" />;
}
