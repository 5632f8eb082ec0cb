# Node-API (ABI-stable): one binary serves Node 22 and Electron. node-addon-api comes from the
# workstation's own node_modules (it is a dependency of the root package). Links the system's
# OpenBLAS (Debian: libopenblas-dev); where it is missing the build fails and npm, this being an
# optional dependency, installs everything else.
{
  'targets': [
    {
      'target_name': 'blas_matmul',
      'sources': ['src/blas_matmul.cc'],
      'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      'defines': ['NAPI_VERSION=8'],
      'cflags_cc': ['-std=c++17', '-O2', '-Wall', '-Wextra'],
      'libraries': ['-lopenblas'],
    },
  ],
}
