import { ChainError } from '../../../chain/errors.ts';

/**
 * Escapes text for XML element content and attribute values. Filed names cannot hold characters
 * XML does not allow (they are refused at filing); one recorded before that rule is written as
 * U+FFFD rather than making the whole file invalid.
 */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(NOT_XML_CHARS, '\uFFFD');

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** XML 1.0's Char production: what a document, and a character reference, may hold. */
const isXmlChar = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
/** Anything outside Char, in raw text: C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone surrogates. */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'g');

const unesc = (s: string) =>
  s.replace(/&([^;&<]{0,12});|&/g, (ref: string, e: string | undefined) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const m = e === undefined ? null : /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(e);
    if (!m) throw bad(`"${ref.slice(0, 14)}" is neither a predefined entity nor a character reference`);
    const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
    if (!isXmlChar(code)) throw bad(`${ref} refers to a character XML does not allow`);
    return String.fromCodePoint(code);
  });

const bad = (why: string) => new ChainError('BAD_XML', `the XML is not well-formed: ${why}`);

/**
 * A small, strict parser for the flat, namespace-prefixed documents banks exchange (pain.001,
 * pain.002): elements, attributes, text. No DTDs or entities beyond the five predefined ones
 * (and character references), so no entity expansion attack; mismatched tags are an error.
 * Namespace prefixes are dropped from names.
 */
export function parseXml(src: string): XmlNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(src)) throw bad('document type declarations are not accepted');
  const illegal = NOT_XML_CHAR.exec(src);
  if (illegal) throw bad(`a character XML does not allow (U+${illegal[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) at ${illegal.index}`);
  const s = src.replace(/^\uFEFF/, '').replace(/<\?xml[^?]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(s))) {
    const [, close, rawName, rawAttrs, selfClose, text, stray] = m;
    if (stray) throw bad(`unexpected "<" at ${m.index}`);
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      top.text += unesc(text);
      continue;
    }
    const name = rawName.includes(':') ? rawName.slice(rawName.indexOf(':') + 1) : rawName;
    if (close) {
      if (top.name !== name) throw bad(`</${name}> closes <${top.name}>`);
      top.text = top.text.trim();
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]] = unesc(a[2] ?? a[3]);
    const node: XmlNode = { name, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClose) stack.push(node);
  }
  if (stack.length !== 1) throw bad(`<${stack[stack.length - 1].name}> is never closed`);
  if (root.children.length !== 1) throw bad('a document has exactly one root element');
  if (root.text.trim()) throw bad('text outside the root element');
  return root.children[0];
}

export const child = (n: XmlNode | undefined, name: string): XmlNode | undefined => n?.children.find((c) => c.name === name);
export const children = (n: XmlNode | undefined, name: string): XmlNode[] => n?.children.filter((c) => c.name === name) ?? [];
/** The text at a path of child names, e.g. at(tx, 'PmtId', 'EndToEndId'). */
export const at = (n: XmlNode | undefined, ...path: string[]): string | undefined => path.reduce<XmlNode | undefined>((x, p) => child(x, p), n)?.text;
