import { parseMarkdown, type MdNode } from './markdown.ts';

/** Builds a report body's Markdown as DOM nodes: elements by createElement, every text by text node. */
function build(node: MdNode): Node {
  if (typeof node === 'string') return document.createTextNode(node);
  const element = document.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs ?? {})) element.setAttribute(name, value);
  for (const child of node.children) element.append(build(child));
  return element;
}

export function renderMarkdown(source: string): HTMLElement {
  const container = document.createElement('div');
  container.className = 'markdown';
  for (const block of parseMarkdown(source)) container.append(build(block));
  return container;
}
