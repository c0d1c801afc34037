#ifndef PODHOP_CYAML_SHIM_H
#define PODHOP_CYAML_SHIM_H

// libyaml's parser and event API. Only the YAML module imports this; it owns every
// yaml_parser_t and yaml_event_t it creates (see Sources/YAML/EventReader.swift).
#include <yaml.h>

#endif
