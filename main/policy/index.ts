// Public API of the policy engine's Node half: SPIF compilation, the policy registry, and every
// label / clearance reader and writer. The pure half (markings, ACDF, lattice…) is shared/labels.
export { compileSpif } from './spif-compiler';
export { PolicyRegistry } from './registry';
export { readXml, LABEL_LIMITS, SPIF_LIMITS, type XmlElement, type XmlLimits } from './safe-xml';
export { readSpiffyLabel, readSpiffyClearance, writeSpiffyLabel, writeSpiffyClearance, SPIFFY_NS } from './spiffy-xml';
export { read4774Label, write4774Label, S4774_NS, type LabelRole } from './stanag4774';
export { readEssLabel, writeEssLabel } from './ess-der';
export { readXep0258, writeXep0258, markingColours, XEP0258_NS, XEP0258_ESS_NS, type Xep0258Read, type Xep0258Options } from './xep0258';
export { readLabel, equivalentLabel, write4774WithAlternatives, type LabelFormat } from './label-io';
export { readClearance } from './clearance-io';
export * from '../../shared/labels';
