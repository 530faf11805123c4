/**
 * The CSV of a rendered report as UTF-8 bytes. A report rendered here (./render.ts) writes them straight from
 * its contacts (render-csv.ts renderCsvBytes), so a mailer that zips the CSV never holds it as a string: at a
 * million contacts that string alone is over 100 MB of a 1 GB function's heap. Any other rendered report (a
 * copy, one made by hand) gives its `csv` encoded: the same bytes either way.
 */
const writers = new WeakMap<object, () => Uint8Array>();

/** Registers how `rendered` writes its CSV's bytes; returns it. */
export function withCsvBytes<R extends object>(rendered: R, write: () => Uint8Array): R {
  writers.set(rendered, write);
  return rendered;
}

export function csvBytesOf(rendered: { readonly csv: string }): Uint8Array {
  const write = writers.get(rendered);
  return write !== undefined ? write() : Buffer.from(rendered.csv, 'utf8');
}
