{
  "targets": [
    {
      "target_name": "spikeworks_kernels",
      "sources": ["src/kernels.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-march=native", "-ffp-contract=off", "-std=c++17"]
    }
  ]
}
