import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';

/** An XML element with its attributes, child elements in order, and its own text. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

// No entities declared in a DOCTYPE: a query has no use for them, and they can expand without bound.
const validator = new SyntaxValidator({ docType: { maxEntityCount: 0 } });

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name.startsWith('?') || name === '#comment') return undefined;
  const inner = (node[name] ?? []) as OrderedNode[];
  const children: XmlElement[] = [];
  let text = '';
  for (const child of inner) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const element = toElement(child);
      if (element !== undefined) children.push(element);
    }
  }
  return { name, attributes: node[':@'] ?? {}, children, text };
}

/** The document's root element, or the parser's reason (with line and column) why it is not well-formed. */
export function readXmlElement(xml: string): XmlElement | string {
  try {
    validator.validate(xml);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(xml) as OrderedNode[];
  } catch (error) {
    // The parser has limits of its own (nesting depth): past them, the query is refused, not a 500.
    return error instanceof Error ? error.message : String(error);
  }
  const roots = nodes.map(toElement).filter((e) => e !== undefined);
  return roots[0] ?? 'the document has no element';
}
