// The package's entry: the compiled add-on. Loaded lazily (and inside try/catch) by index.ts, so a
// machine without OpenBLAS, where it was not built, still runs everything else.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS is how .node files load
module.exports = require('./build/Release/blas_matmul.node');
