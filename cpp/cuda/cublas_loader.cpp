#include "cublas_loader.hpp"

#include <dlfcn.h>

#include <mutex>
#include <stdexcept>

namespace zoo::cuda {

namespace {

template <class F>
void bind(void* library, const char* name, F& slot) {
    slot = reinterpret_cast<F>(dlsym(library, name));
    if (!slot) throw std::runtime_error(std::string("cuBLAS lacks ") + name);
}

Cublas load(const std::vector<std::string>& candidates) {
    std::vector<std::string> names = candidates;
    for (const char* name : {"libcublas.so.13", "libcublas.so.12", "libcublas.so"}) names.emplace_back(name);
    void* library = nullptr;
    std::string tried;
    for (const std::string& name : names) {
        library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (library) break;
        tried += "\n  " + name + ": " + dlerror();
    }
    if (!library)
        throw std::runtime_error("cuBLAS was not found (pip install nvidia-cublas, or a CUDA toolkit on the library "
                                 "path); tried:" + tried);
    Cublas blas;
    bind(library, "cublasCreate_v2", blas.create);
    bind(library, "cublasDestroy_v2", blas.destroy);
    bind(library, "cublasSgemm_v2", blas.sgemm);
    bind(library, "cublasDgemm_v2", blas.dgemm);
    if (blas.create(&blas.handle) != 0) throw std::runtime_error("cublasCreate failed (no usable GPU?)");
    return blas;  // the library and handle live as long as the process
}

void require_success(int status) {
    if (status != 0) throw std::runtime_error("cuBLAS gemm failed with status " + std::to_string(status));
}

}  // namespace

const Cublas& cublas(const std::vector<std::string>& candidates) {
    static std::mutex mutex;
    static Cublas loaded;
    std::lock_guard<std::mutex> lock(mutex);
    if (!loaded.handle) loaded = load(candidates);
    return loaded;
}

void gemm(const Cublas& blas, CublasOperation a, CublasOperation b, int m, int n, int k, const float* A, int lda,
          const float* B, int ldb, float* C, int ldc, float beta) {
    const float one = 1.0f;
    require_success(blas.sgemm(blas.handle, a, b, m, n, k, &one, A, lda, B, ldb, &beta, C, ldc));
}

void gemm(const Cublas& blas, CublasOperation a, CublasOperation b, int m, int n, int k, const double* A, int lda,
          const double* B, int ldb, double* C, int ldc, double beta) {
    const double one = 1.0;
    require_success(blas.dgemm(blas.handle, a, b, m, n, k, &one, A, lda, B, ldb, &beta, C, ldc));
}

}  // namespace zoo::cuda
