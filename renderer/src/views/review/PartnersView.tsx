import type { EntenteApi } from '../../../../shared/api/contract';

export interface PartnersViewProps {
  api: EntenteApi;
}

export function PartnersView(_props: PartnersViewProps) {
  return <section className="panel" />;
}
