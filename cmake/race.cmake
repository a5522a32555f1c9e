# The concurrency build (docs/contract.md section 10; race/, `daxcheck race`):
# the shim, every port, the fault path and what `race` runs them with are
# compiled once more with KSHIM_RACE, which makes each struct page / folio
# field a scheduling point (impl/shim/shared_field.h). The copy lives in the
# namespaces kshim_race and daxcheck_race, so it links into the daxcheck
# binary beside the normal build, which keeps its plain fields and its speed.
# Nothing outside cli/race_command.h (namespace race_cli) calls into it.
find_package(Boost REQUIRED COMPONENTS context)

# (DAXCHECK_RACE_DEFINITIONS: cmake/port_build.cmake, which the package's
# daxcheck_add_port shares.)

add_library(daxcheck_race STATIC
  model/universe.cpp model/state.cpp
  impl/shim/kernel.cpp impl/registry.cpp impl/expectations.cpp impl/folio_encoding.cpp
  impl/fault/common.cpp impl/fault/insert_pre_reflink.cpp impl/fault/insert_v6_0.cpp
  impl/fault/insert_v6_2.cpp
  harness/execution.cpp harness/op_text.cpp harness/model_before.cpp engines/op_enumeration.cpp engines/corpus_file.cpp
  properties/catalog.cpp properties/relation.cpp properties/refcount_relation.cpp
  properties/warnings.cpp properties/refinement.cpp properties/no_spurious_warn.cpp
  properties/pin_warning.cpp properties/drain.cpp properties/order_independence.cpp
  properties/misuse_detected.cpp properties/failure_class.cpp
  fslevel/fs_model.cpp fslevel/fs_text.cpp fslevel/fs_execution.cpp fslevel/reachability.cpp
  fslevel/xfs_io.cpp
  race/scheduler.cpp race/enumerator.cpp race/linearizability.cpp race/race.cpp
  race/prefixes.cpp race/race_text.cpp race/race_corpus.cpp race/stress_script.cpp
  cli/race_command.cpp cli/output_file.cpp cli/flag_checks.cpp)
target_compile_definitions(daxcheck_race PRIVATE ${DAXCHECK_RACE_DEFINITIONS}
                           DAXCHECK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_include_directories(daxcheck_race PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
                           $<INSTALL_INTERFACE:include/daxcheck>)
target_link_libraries(daxcheck_race PUBLIC Boost::headers Boost::context fmt::fmt
                      nlohmann_json::nlohmann_json CLI11::CLI11 Threads::Threads)

# Every in-tree port, and the out-of-tree ones of --port, in the concurrency build.
add_library(daxcheck_race_ports INTERFACE)
daxcheck_in_tree_ports(daxcheck_race_ports ${DAXCHECK_RACE_DEFINITIONS})
# (Not those whose file opts out: daxcheck_port_races.)
set(daxcheck_race_extra "")
foreach(file IN LISTS DAXCHECK_EXTRA_VARIANTS)
  get_filename_component(path "${file}" ABSOLUTE)
  set(races TRUE)
  if(EXISTS "${path}" AND NOT IS_DIRECTORY "${path}")
    daxcheck_port_races("${path}" races)
  endif()
  if(races)
    list(APPEND daxcheck_race_extra "${file}")
  endif()
endforeach()
daxcheck_extra_ports(daxcheck_race_ports "${daxcheck_race_extra}" ${DAXCHECK_RACE_DEFINITIONS})
