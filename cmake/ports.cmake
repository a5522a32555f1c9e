# One object file per variant. The v10 port is compiled once per bug toggle
# combination, as a kernel would be built with different CONFIG_ options.
function(daxcheck_v10_variant name summary)
  set(target port_${name})
  string(REPLACE "." "_" target ${target})
  string(REPLACE "-" "_" target ${target})
  add_library(${target} OBJECT impl/v10.cpp)
  target_link_libraries(${target} PRIVATE daxcheck_shim)
  target_compile_definitions(${target} PRIVATE
    V10_VARIANT_NAME="${name}" V10_VARIANT_SUMMARY="${summary}" ${ARGN})
  target_sources(daxcheck_ports INTERFACE $<TARGET_OBJECTS:${target}>)
endfunction()

daxcheck_v10_variant(v10 "v10 as posted (= v11): bugs byvalue, inverted, postdec"
  CONFIG_V10_BUG_BYVALUE=1 CONFIG_V10_BUG_INVERTED=1 CONFIG_V10_BUG_POSTDEC=1)
daxcheck_v10_variant(v10-only-byvalue "v10 with only the byvalue bug"
  CONFIG_V10_BUG_BYVALUE=1)
daxcheck_v10_variant(v10-only-inverted "v10 with only the inverted bug"
  CONFIG_V10_BUG_INVERTED=1)
daxcheck_v10_variant(v10-only-postdec "v10 with only the postdec bug"
  CONFIG_V10_BUG_POSTDEC=1)
daxcheck_v10_variant(v10-fixed "v10 with all three bugs fixed"
  )
