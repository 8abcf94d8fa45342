# The vision ops (ViT towers, spec §4.1): CPU references, and their CUDA kernels (ops/cuda/vit_*.cu)
# or, without CUDA, vit_cuda_off.cpp. Included by ops/CMakeLists.txt.
target_sources(farsight_ops PRIVATE
  layer_norm.cpp cpu/layer_norm_cpu.cpp
  linear.cpp
  attention_full.cpp cpu/attention_full_cpu.cpp
  patch_embed.cpp)
if(FARSIGHT_CUDA_ENABLED)
  foreach(f cuda/vit_layers.cu cuda/vit_attention.cu cuda/vit_linear.cu)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${f})  # (lead: tolerate files still being written)
      target_sources(farsight_ops_cuda PRIVATE ${f})
    endif()
  endforeach()
else()
  target_sources(farsight_ops PRIVATE vit_cuda_off.cpp)
endif()
