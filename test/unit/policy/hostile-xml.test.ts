import { describe, expect, it } from 'vitest';
import { compileSpif, readLabel, readXml, readXep0258 } from '../../../main/policy';
import { EntenteError } from '../../../shared/errors';
import { suiteRegistry, suiteText } from './suite';

/** Hostile XML: every input is rejected with its own code, quickly, before any expansion. */
const registry = suiteRegistry();

function rejects(fn: () => unknown, code: string, maxMs = 1000): EntenteError {
  const start = performance.now();
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  const ms = performance.now() - start;
  expect(err).toBeInstanceOf(EntenteError);
  expect((err as EntenteError).code).toBe(code);
  expect(ms).toBeLessThan(maxMs);
  return err as EntenteError;
}

const LABEL = "<label xmlns='http://surevine.com/xmlns/spiffy'><policy id='1.3.26.1.3.1'/><classification lacv='1'/></label>";

describe('hostile XML', () => {
  it('refuses billion-laughs entity expansion', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><label>&lol9;</label>`;
    expect(rejects(() => readLabel(lol, registry), 'xml_forbidden_dtd').message).toMatch(/DOCTYPE/);
  });

  it('refuses external entities and SYSTEM DTDs', () => {
    rejects(() => readLabel('<!DOCTYPE label SYSTEM "file:///etc/passwd"><label/>', registry), 'xml_forbidden_dtd');
    rejects(() => compileSpif('<!DOCTYPE SPIF [<!ENTITY x SYSTEM "http://example.org/x">]><SPIF>&x;</SPIF>'), 'xml_forbidden_dtd');
  });

  it('refuses any DOCTYPE, even an empty one', () => {
    rejects(() => compileSpif(`<!DOCTYPE SPIF>${suiteText('tlp.xml')}`), 'xml_forbidden_dtd');
  });

  it('refuses undefined entities', () => {
    rejects(() => readLabel(LABEL.replace("lacv='1'", "lacv='&one;'"), registry), 'xml_malformed');
  });

  it('refuses deep nesting', () => {
    const deep = `${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`;
    expect(rejects(() => readXml(deep), 'xml_limit_exceeded').message).toMatch(/nesting deeper than 16/);
    rejects(() => compileSpif(`<SPIF>${'<x>'.repeat(5000)}${'</x>'.repeat(5000)}</SPIF>`), 'xml_limit_exceeded');
  });

  it('refuses huge attribute values', () => {
    rejects(() => readLabel(LABEL.replace("id='1.3.26.1.3.1'", `id='${'1'.repeat(100_000)}'`), registry), 'xml_limit_exceeded');
    rejects(() => compileSpif(`<SPIF><securityPolicyId name="${'N'.repeat(200_000)}" id="1.2"/></SPIF>`), 'xml_limit_exceeded');
  });

  it('refuses a 50 MB file at once', () => {
    const big = `<SPIF>${' '.repeat(50 * 1024 * 1024)}</SPIF>`;
    expect(rejects(() => compileSpif(big), 'xml_limit_exceeded', 200).message).toMatch(/exceeds the limit/);
    rejects(() => readLabel(big, registry), 'xml_limit_exceeded', 200);
  });

  it('refuses wrong namespaces', () => {
    rejects(() => compileSpif(suiteText('tlp.xml').replace('http://www.xmlspif.org/spif', 'urn:evil')), 'xml_wrong_namespace');
    rejects(() => readLabel(LABEL.replace('http://surevine.com/xmlns/spiffy', 'http://surevine.com/xmlns/spiffy2'), registry), 'xml_wrong_namespace');
    rejects(() => readLabel(suiteText('nato-4774-17-1.nato').replace('metadatalabel:1:0', 'metadatalabel:9:9'), registry), 'xml_wrong_namespace');
    rejects(() => readXep0258('<securitylabel xmlns="urn:xmpp:sec-label:1"/>', registry), 'xml_wrong_namespace');
  });

  it('refuses processing instructions, unclosed and mismatched tags in labels', () => {
    rejects(() => readLabel(`<?evil x?>${LABEL}`, registry), 'xml_malformed');
    rejects(() => readLabel(LABEL.replace('</label>', ''), registry), 'xml_malformed');
    rejects(() => readLabel(LABEL.replace('</label>', '</lable>'), registry), 'xml_malformed');
    rejects(() => readLabel('', registry), 'label_malformed');
  });

  it('tolerates a misspelled SPIF end tag only as the innermost end, with a warning', () => {
    const p = compileSpif(suiteText('food-policy.xml'));
    expect(p.tagSets.map((t) => t.name)).toContain('Packaging');
    expect(p.warnings.join('\n')).toMatch(/securityCategiryTagSet/);
    // An end tag naming an element that IS open (a skipped end tag) is still an error.
    rejects(() => compileSpif('<SPIF><a><b></a></SPIF>'), 'xml_malformed');
  });
});
