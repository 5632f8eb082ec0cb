# Node-API (ABI-stable): one binary serves Node 22 and Electron. node-addon-api comes from the
# workstation's own node_modules (it is a dependency of the root package).
{
  'targets': [
    {
      'target_name': 'evdev_ff',
      'sources': ['src/evdev_ff.cc'],
      'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      'defines': ['NAPI_VERSION=8'],
      'cflags_cc': ['-std=c++17', '-Wall', '-Wextra'],
    },
  ],
}
