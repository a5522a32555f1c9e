# How a port file is compiled: once per kernel configuration it lists on a
# line of its own
#     // daxcheck-configs: DEBUG_VM
# (every listed option off, then each combination on). Shared by the
# in-tree build (cmake/ports.cmake) and the installed package
# (cmake/daxcheck_add_port.cmake). DAXCHECK_SHIM_TARGET names the shim
# library ports compile against (daxcheck_shim, or daxcheck::shim).

# The definitions of the concurrency build (cmake/race.cmake): a port
# compiled with them registers its variants with `race`, whose copy of the
# shim and the engines lives in namespaces of its own.
set(DAXCHECK_RACE_DEFINITIONS KSHIM_RACE=1 kshim=kshim_race daxcheck=daxcheck_race)

# Whether the port `source` is compiled into the concurrency build too (TRUE
# in `out`): unless it opts out with a line of its own
#     // daxcheck-no-race
# A port opts out when it does what the concurrency build's page fields,
# accessors there, cannot take (a C++ reinterpret_cast of a field: a C cast,
# as the kernel writes it, works in both); `race` then lacks its variants.
function(daxcheck_port_races source out)
  file(STRINGS "${source}" lines REGEX "^// daxcheck-no-race[ \t]*$")
  if(lines)
    set(${out} FALSE PARENT_SCOPE)
  else()
    set(${out} TRUE PARENT_SCOPE)
  endif()
endfunction()

# Stops the configure when the port `file` (as given; `path`, absolute) is
# missing or holds nothing but white space: a file that registers no variant
# would build a binary that lacks the port it was asked for. `who` names the
# caller in the message.
function(daxcheck_port_file_check who file path)
  if(NOT EXISTS "${path}" OR IS_DIRECTORY "${path}")
    message(FATAL_ERROR "${who}: no such file: ${file}")
  endif()
  file(READ "${path}" content)
  string(STRIP "${content}" content)
  string(LENGTH "${content}" length)
  if(length EQUAL 0)
    message(FATAL_ERROR "${who}: ${file} is empty (a port file registers its variants with "
                        "DAXCHECK_REGISTER_VARIANT)")
  endif()
endfunction()

# Compiles `source` into `interface` with the compile definitions in ARGN;
# `tag` makes the object library's name unique.
function(daxcheck_port_build interface source tag)
  string(MAKE_C_IDENTIFIER "${interface}_${tag}" target)
  add_library(${target} OBJECT ${source})
  target_link_libraries(${target} PRIVATE ${DAXCHECK_SHIM_TARGET})
  target_compile_definitions(${target} PRIVATE ${ARGN})
  # The kernel builds without -Wsign-compare: its loops compare int with 1UL << order.
  target_compile_options(${target} PRIVATE -Wno-sign-compare)
  # One file each: nothing to merge, and its compile errors name the port file alone.
  set_target_properties(${target} PROPERTIES UNITY_BUILD OFF)
  target_sources(${interface} INTERFACE $<TARGET_OBJECTS:${target}>)
endfunction()

# The config options `source` lists on its `daxcheck-configs:` line, in `out`.
function(daxcheck_port_configs source out)
  file(STRINGS "${source}" lines REGEX "^// daxcheck-configs:")
  set(options "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^// daxcheck-configs:[ ]*" "" rest "${line}")
    string(REPLACE " " ";" rest "${rest}")
    list(APPEND options ${rest})
  endforeach()
  list(REMOVE_ITEM options "")
  set(${out} "${options}" PARENT_SCOPE)
endfunction()

# Builds `source` into `interface` under every combination of its config
# options: the empty combination first (variant names unchanged).
function(daxcheck_port_matrix interface source tag)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${source}")
  daxcheck_port_configs("${source}" options)
  list(LENGTH options n)
  math(EXPR combinations "1 << ${n}")
  math(EXPR last "${combinations} - 1")
  foreach(mask RANGE 0 ${last})
    set(defs "")
    set(suffix "")
    set(i 0)
    foreach(option IN LISTS options)
      math(EXPR enabled "(${mask} >> ${i}) & 1")
      if(enabled)
        list(APPEND defs CONFIG_${option}=1)
        string(TOLOWER "${option}" lower)
        string(APPEND suffix "+${lower}")
      endif()
      math(EXPR i "${i} + 1")
    endforeach()
    daxcheck_port_build(${interface} "${source}" "${tag}${suffix}" ${defs} ${ARGN}
                        DAXCHECK_VARIANT_SUFFIX="${suffix}")
  endforeach()
endfunction()

