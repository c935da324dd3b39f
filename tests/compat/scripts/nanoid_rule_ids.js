function addCorrelationId(user, context, callback) {
  // nanoid 5, an ES-module-only package (Node 22's require(esm)), gives each login a short
  // correlation id, as Rules built ids with uuid. Random ids differ from run to run, so the
  // result is their shape, and what require gives for an ES module: its namespace.
  const ns = require('nanoid');
  const { nanoid, customAlphabet, urlAlphabet } = ns;
  const id = nanoid();
  const pin = customAlphabet('0123456789', 6)();
  context.idToken['result'] = {
    keys: Object.keys(ns),
    tag: Object.prototype.toString.call(ns),
    prototype: Object.getPrototypeOf(ns),
    extensible: Object.isExtensible(ns),
    esModule: ns.__esModule === true,
    same: require('nanoid') === ns,
    id: { length: id.length, urlSafe: id.split('').every((c) => urlAlphabet.includes(c)) },
    pin: /^[0-9]{6}$/.test(pin),
    sized: nanoid(10).length,
  };
  callback(null, user, context);
}
