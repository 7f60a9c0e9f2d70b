// jsdom lacks structuredClone (every browser the console targets has it): Node's V8
// serializer is the same structured-clone algorithm.
const v8 = require('node:v8');
if (typeof globalThis.structuredClone !== 'function') {
  globalThis.structuredClone = (value) => v8.deserialize(v8.serialize(value));
}
