# marconi_add_test(NAME <name> SOURCES <files...> LIBS <libs...> [LABEL <label>]
#                  [PROPERTIES <ctest properties...>])
# One GoogleTest binary; every test case becomes a ctest test carrying LABEL (default unit) and
# any further PROPERTIES (fixtures, environment).
function(marconi_add_test)
    cmake_parse_arguments(T "" "NAME;LABEL" "SOURCES;LIBS;PROPERTIES" ${ARGN})
    if(NOT MARCONI_BUILD_TESTS)
        return()
    endif()
    if(NOT T_LABEL)
        set(T_LABEL unit)
    endif()
    add_executable(${T_NAME} ${T_SOURCES})
    target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
    gtest_discover_tests(${T_NAME} PROPERTIES LABELS ${T_LABEL} ${T_PROPERTIES}
                         DISCOVERY_TIMEOUT 30)
endfunction()
