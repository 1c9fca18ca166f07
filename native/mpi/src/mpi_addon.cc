// Thin node-addon-api binding over the MPI calls the `mpi` communication backend needs: init/finalize,
// rank/size, barrier, a sum-allreduce of doubles, and the per-slice spike allgather (MPI_Allgather of the
// counts, then MPI_Allgatherv of the packed spikes). Everything else (canonical merge) stays in JavaScript.
#include <napi.h>
#include <mpi.h>
#include <dlfcn.h>
#include <string>
#include <vector>

namespace {

bool g_initialized_here = false;

std::string MpiErrorString(int code) {
  char buf[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, buf, &len);
  return std::string(buf, len);
}

bool Check(Napi::Env env, int code, const char* what) {
  if (code == MPI_SUCCESS) return true;
  Napi::Error::New(env, std::string(what) + " failed: " + MpiErrorString(code)).ThrowAsJavaScriptException();
  return false;
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int already = 0;
  MPI_Initialized(&already);
  if (!already) {
    // Open MPI loads its components with dlopen and they expect libmpi's symbols to be global; node loads
    // this addon (and with it libmpi) with RTLD_LOCAL, so promote libmpi before MPI_Init.
    const char* names[] = {"libmpi.so.40", "libmpi.so.12", "libmpi.so"};
    for (const char* n : names) {
      if (dlopen(n, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD)) break;
    }
    int provided = 0;
    if (!Check(env, MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SINGLE, &provided), "MPI_Init_thread")) return env.Null();
    g_initialized_here = true;
  }
  return Napi::Boolean::New(env, !already);
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && g_initialized_here) Check(env, MPI_Finalize(), "MPI_Finalize");
  return env.Undefined();
}

Napi::Value Rank(const Napi::CallbackInfo& info) {
  int r = 0;
  if (!Check(info.Env(), MPI_Comm_rank(MPI_COMM_WORLD, &r), "MPI_Comm_rank")) return info.Env().Null();
  return Napi::Number::New(info.Env(), r);
}

Napi::Value Size(const Napi::CallbackInfo& info) {
  int s = 0;
  if (!Check(info.Env(), MPI_Comm_size(MPI_COMM_WORLD, &s), "MPI_Comm_size")) return info.Env().Null();
  return Napi::Number::New(info.Env(), s);
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Check(info.Env(), MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  return info.Env().Undefined();
}

Napi::Value Abort(const Napi::CallbackInfo& info) {
  int code = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  MPI_Abort(MPI_COMM_WORLD, code);
  return info.Env().Undefined();
}

// allreduceSum(values: Float64Array): Float64Array
Napi::Value AllreduceSum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    Napi::TypeError::New(env, "allreduceSum expects a Float64Array").ThrowAsJavaScriptException();
    return env.Null();
  }
  Napi::Float64Array in = info[0].As<Napi::Float64Array>();
  size_t n = in.ElementLength();
  Napi::Float64Array out = Napi::Float64Array::New(env, n);
  if (n > 0 && !Check(env, MPI_Allreduce(in.Data(), out.Data(), static_cast<int>(n), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce")) return env.Null();
  return out;
}

// allgatherSpikes(packed: Int32Array, count: number, counts: Int32Array(size)): Int32Array
// `packed` holds this rank's `count` gids followed by its `count` steps. On return `counts[r]` is rank r's
// count and the result holds every rank's packed block, rank after rank.
Napi::Value AllgatherSpikes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsTypedArray() || !info[1].IsNumber() || !info[2].IsTypedArray()) {
    Napi::TypeError::New(env, "allgatherSpikes(packed: Int32Array, count: number, counts: Int32Array)").ThrowAsJavaScriptException();
    return env.Null();
  }
  Napi::Int32Array packed = info[0].As<Napi::Int32Array>();
  int count = info[1].As<Napi::Number>().Int32Value();
  Napi::Int32Array counts = info[2].As<Napi::Int32Array>();
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (static_cast<int>(counts.ElementLength()) != size || count < 0 || static_cast<size_t>(2 * count) > packed.ElementLength()) {
    Napi::RangeError::New(env, "allgatherSpikes: counts must have one entry per rank and packed must hold 2 * count values").ThrowAsJavaScriptException();
    return env.Null();
  }
  if (!Check(env, MPI_Allgather(&count, 1, MPI_INT, counts.Data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather")) return env.Null();
  std::vector<int> recvCounts(size), displs(size);
  long total = 0;
  for (int r = 0; r < size; r++) {
    recvCounts[r] = 2 * counts[r];
    displs[r] = static_cast<int>(total);
    total += recvCounts[r];
  }
  Napi::Int32Array out = Napi::Int32Array::New(env, static_cast<size_t>(total));
  if (!Check(env, MPI_Allgatherv(packed.Data(), 2 * count, MPI_INT, out.Data(), recvCounts.data(), displs.data(), MPI_INT, MPI_COMM_WORLD), "MPI_Allgatherv")) return env.Null();
  return out;
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("finalize", Napi::Function::New(env, Finalize));
  exports.Set("rank", Napi::Function::New(env, Rank));
  exports.Set("size", Napi::Function::New(env, Size));
  exports.Set("barrier", Napi::Function::New(env, Barrier));
  exports.Set("abort", Napi::Function::New(env, Abort));
  exports.Set("allreduceSum", Napi::Function::New(env, AllreduceSum));
  exports.Set("allgatherSpikes", Napi::Function::New(env, AllgatherSpikes));
  return exports;
}

}  // namespace

NODE_API_MODULE(spikeworks_mpi, Module)
