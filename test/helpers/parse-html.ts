/**
 * Reads rendered HTML the way a mail client does (a real HTML5 parser, parse5),
 * so tests assert on the tree a reader gets, not on the characters we wrote:
 * an unescaped "<" shows up as an element that should not exist, an unquoted
 * attribute as an attribute that should not exist.
 */
import { parse, type DefaultTreeAdapterTypes } from 'parse5';

type Node = DefaultTreeAdapterTypes.ChildNode | DefaultTreeAdapterTypes.Document | DefaultTreeAdapterTypes.DocumentFragment;
export type HtmlElement = DefaultTreeAdapterTypes.Element;

export interface ParsedHtml {
  document: DefaultTreeAdapterTypes.Document;
  /** Every element, in document order. */
  elements: HtmlElement[];
  /** Parse errors (unexpected characters, bad nesting): a well-formed email has none. */
  errors: string[];
}

export function parseHtml(html: string): ParsedHtml {
  const errors: string[] = [];
  const document = parse(html, { onParseError: (e) => errors.push(`${e.code} at ${e.startLine}:${e.startCol}`) });
  const elements: HtmlElement[] = [];
  walk(document, (n) => {
    if ('tagName' in n) elements.push(n);
  });
  return { document, elements, errors };
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  const children = 'childNodes' in node ? node.childNodes : [];
  for (const child of children) walk(child, visit);
  if ('content' in node && node.tagName === 'template') walk(node.content, visit);
}

export function attr(element: HtmlElement, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

/** The text a reader sees inside an element (entities decoded, markup dropped). */
export function textOf(node: Node): string {
  if (node.nodeName === '#text' && 'value' in node) return node.value;
  if (node.nodeName === '#comment') return '';
  const children = 'childNodes' in node ? node.childNodes : [];
  return children.map(textOf).join('');
}

/** The markup's shape: each element as "tag[attr,attr]" in document order, attribute values left out. */
export function skeleton(elements: readonly HtmlElement[]): string[] {
  return elements.map((e) => `${e.tagName}[${e.attrs.map((a) => a.name).sort().join(',')}]`);
}
