// The module floor's module: an empty wasm module, embedded, instantiated synchronously.
new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])));
