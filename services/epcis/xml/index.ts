/** The EPCIS XML binding: capture documents read into the JSON-LD model, query results written. */
export { epcisDocumentFromXml, XmlSyntaxError } from './from-xml.js';
export { type QueryResultsXml, queryDocumentXml } from './to-xml.js';
export { type CbvXmlFormat, namespacesIn } from './xml-fields.js';
