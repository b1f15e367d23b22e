// hook.cjs is loaded with `node --require` into the httpyac process by
// record.mjs. It keeps every connection httpyac makes on loopback: each TCP
// connect (plain or TLS) goes to the recorder, whatever host and port the
// request names, and name lookups answer 127.0.0.1 without asking any
// resolver. The request itself is not touched: the Host header, SNI and
// request line stay what httpyac builds from the URL.
'use strict';
const net = require('net');
const tls = require('tls');
const dns = require('dns');

const plain = Number(process.env.RECORDER_HTTP_PORT);
const secure = Number(process.env.RECORDER_HTTPS_PORT);
if (!plain || !secure) {
  throw new Error('hook.cjs: RECORDER_HTTP_PORT and RECORDER_HTTPS_PORT must be set');
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let opts = args[0];
  if (Array.isArray(opts)) {
    opts = opts[0]; // internal normalized form [options, callback]
  }
  let cb = args.find((a) => typeof a === 'function');
  if (Array.isArray(args[0]) && typeof args[0][1] === 'function') {
    cb = args[0][1];
  }
  const o = typeof opts === 'object' && opts !== null ? { ...opts } : {};
  if (o.path) {
    throw new Error(`hook.cjs: refusing a connection to unix socket ${o.path}`);
  }
  delete o.lookup;
  delete o.localAddress;
  delete o.family;
  o.host = '127.0.0.1';
  o.port = this instanceof tls.TLSSocket ? secure : plain;
  return cb ? connect.call(this, o, cb) : connect.call(this, o);
};

function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  if (options && options.all) {
    process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
  } else {
    process.nextTick(callback, null, '127.0.0.1', 4);
  }
}
dns.lookup = lookup;
dns.promises.lookup = async (hostname, options) =>
  options && options.all ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 };
// Nothing may ask a resolver: the resolve functions and Resolver classes
// throw.
for (const api of [dns, dns.promises]) {
  for (const name of Object.keys(api)) {
    if (name.startsWith('resolve') || name === 'reverse') {
      api[name] = () => {
        throw new Error(`hook.cjs: dns.${name} is not allowed`);
      };
    }
  }
  api.Resolver = class {
    constructor() {
      throw new Error('hook.cjs: dns.Resolver is not allowed');
    }
  };
}
