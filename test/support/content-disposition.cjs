// Jest's own module loader cannot require() an ES module before Node 24.9, and @fastify/static (the
// queue board's and the API docs' static files) requires content-disposition 3, which is one. Node
// itself can (require(esm), Node >= 20.19), so only tests load this stand-in: the header @fastify/static
// builds with it (for downloads, which neither the board nor the docs serve).
'use strict';

function quote(value) {
  return `"${String(value).replace(/[\\"]/g, '\\$&')}"`;
}

function create(filename, options = {}) {
  const type = options.type ?? 'attachment';
  if (filename === undefined) return type;
  const name = String(filename).split(/[\\/]/).pop();
  const ascii = name.replace(/[^\x20-\x7e]/g, '?');
  const header = `${type}; filename=${quote(ascii)}`;
  return ascii === name ? header : `${header}; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function parse() {
  throw new Error('content-disposition parse() is not available under Jest');
}

module.exports = { create, parse };
