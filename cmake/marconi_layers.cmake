# marconi_layer_includes(<target> <spelling>)
# Gives <target> an include directory of its own: build/include/<target>/ holding one symlink,
# <spelling> -> the calling folder (e.g. `core` -> src/core, `storage/contract` ->
# src/storage/contract), PUBLIC (INTERFACE for an interface library). With no target putting
# src/ on the include path, a source sees only the headers of the libraries it links: the
# layer order of docs/architecture.md, which scripts/check_layers.py checks in full.
function(marconi_layer_includes target spelling)
    set(root "${CMAKE_BINARY_DIR}/include/${target}")
    set(link "${root}/${spelling}")
    get_filename_component(parent "${link}" DIRECTORY)
    file(MAKE_DIRECTORY "${parent}")
    if(NOT IS_SYMLINK "${link}")
        file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}" "${link}" SYMBOLIC)
    endif()
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
        target_include_directories(${target} INTERFACE "${root}")
    else()
        target_include_directories(${target} PUBLIC "${root}")
    endif()
endfunction()
