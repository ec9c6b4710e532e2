import { readFileSync } from 'node:fs';
import { memoryPages, validateXML } from 'xmllint-wasm';

/** The LHÉO 2.3 schema every export must satisfy (data/lheo/README.md says where it comes from). */
const SCHEMA = {
  fileName: 'lheo-2.3.xsd',
  contents: readFileSync(new URL('../data/lheo/lheo-2.3.xsd', import.meta.url), 'utf8'),
};

/**
 * Validates an LHÉO document against the XSD with libxml2 (xmllint compiled to WebAssembly): the
 * errors come back as « line: message », empty when the document is valid. A test writes
 * `expect(await lheoXsdErrors(xml)).toEqual([])`, so a failure names every fault at once.
 */
export async function lheoXsdErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: { fileName: 'export.xml', contents: xml },
    schema: SCHEMA,
    // An export of the whole demo catalogue is a few megabytes: the default 32 MiB is too tight.
    maxMemoryPages: 512 * memoryPages.MiB,
  });
  return result.valid ? [] : result.errors.map((e) => `${e.loc?.lineNumber ?? '?'}: ${e.message}`);
}
