{
  "targets": [
    {
      "target_name": "spikeworks_mpi",
      "sources": ["src/mpi_addon.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(mpicc --showme:incdirs)"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "OMPI_SKIP_MPICXX=1"],
      "cflags_cc": ["-O2", "-std=c++17"],
      "libraries": ["<!@(mpicc --showme:link)"],
      "ldflags": ["<!@(mpicc --showme:libdirs | sed 's/^/-Wl,-rpath,/; s/ / -Wl,-rpath,/g')"]
    }
  ]
}
