#include "actors/identity/identity.hpp"

namespace lakoo::identity {

void register_kinds(runtime::entity_kinds& kinds) {
  kinds[user_kind] = spawn_user;
  kinds[account_kind] = spawn_account;
  kinds[family_kind] = spawn_family;
}

} // namespace lakoo::identity
