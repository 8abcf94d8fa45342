# Build options and target-scoped compile settings shared by every Farsight target.

# FARSIGHT_CUDA: AUTO turns CUDA on when nvcc is found.
set(FARSIGHT_CUDA "AUTO" CACHE STRING "Build the CUDA backend (ON, OFF, AUTO)")
set_property(CACHE FARSIGHT_CUDA PROPERTY STRINGS AUTO ON OFF)
option(FARSIGHT_GUI "Build the Qt 6 desktop application (the engine and CLI build without Qt)" OFF)
option(FARSIGHT_APP "Build the application layer (storage, ingest, farsight-cli chat; the Qt app with FARSIGHT_GUI)" ON)
option(FARSIGHT_TESTS "Build the GoogleTest suite" ON)
option(FARSIGHT_NATIVE "Tune the CPU kernels for this machine (-march=native)" OFF)

if(FARSIGHT_CUDA STREQUAL "AUTO")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(FARSIGHT_CUDA_ENABLED ON)
  else()
    set(FARSIGHT_CUDA_ENABLED OFF)
  endif()
elseif(FARSIGHT_CUDA)
  set(FARSIGHT_CUDA_ENABLED ON)
else()
  set(FARSIGHT_CUDA_ENABLED OFF)
endif()
message(STATUS "Farsight: CUDA backend ${FARSIGHT_CUDA_ENABLED}, GUI ${FARSIGHT_GUI}")


# Warnings and the CPU baseline (x86-64-v3: AVX2 + FMA + F16C) are applied per target.
add_library(farsight_compile_options INTERFACE)
target_compile_options(farsight_compile_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  if(FARSIGHT_NATIVE)
    target_compile_options(farsight_compile_options INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
  else()
    target_compile_options(farsight_compile_options INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-mavx2 -mfma -mf16c>)
  endif()
endif()

find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)

if(FARSIGHT_CUDA_ENABLED)
  # Hopper first (wgmma/TMA need sm_90a, which only the -gencode form selects), Ampere as the
  # portable fallback. FARSIGHT_CUDA_GENCODE overrides the list.
  set(CMAKE_CUDA_ARCHITECTURES OFF)
  enable_language(CUDA)
  # CMake 3.25 predates nvcc's C++20 support in its tables: teach it the flag.
  if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
    set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    list(APPEND CMAKE_CUDA_COMPILE_FEATURES cuda_std_20)
  endif()
  set(CMAKE_CUDA_STANDARD 20)
  set(FARSIGHT_CUDA_GENCODE "-gencode=arch=compute_90a,code=sm_90a;-gencode=arch=compute_80,code=sm_80"
      CACHE STRING "nvcc -gencode flags")
  target_compile_options(farsight_compile_options INTERFACE
    $<$<COMPILE_LANGUAGE:CUDA>:${FARSIGHT_CUDA_GENCODE} --expt-relaxed-constexpr -lineinfo -Xptxas=-warn-spills -diag-suppress=2810>)
  find_package(CUDAToolkit REQUIRED)
endif()
