# Lets the QuickJS engine's embedded WebAssembly runtime (WAMR) build offline:
# its CMake build would git-clone simde; Debian's libsimde-dev provides it.
set(FETCHCONTENT_SOURCE_DIR_SIMDE "/usr/include" CACHE PATH "" FORCE)
set(FETCHCONTENT_FULLY_DISCONNECTED ON CACHE BOOL "" FORCE)
