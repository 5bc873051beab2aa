// Who this connector is: its id (the one spelling in the C++: the export, the licence gate, the host's
// OAuth app and every record use it), its display name and its version.
#pragma once

namespace sage {

inline constexpr char connector_id[] = "sage-cloud-accounting";
inline constexpr char connector_name[] = "Sage Cloud Accounting";
inline constexpr char connector_version[] = "1.0.0";

} // namespace sage
