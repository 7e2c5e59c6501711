import type { User } from '../../entities/index.js';
import type { UserResponse } from '../schemas/response-schemas.js';

/** The public shape of an account. Never the password hash. */
export function presentUser(user: User): UserResponse {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    name: user.displayName,
    admin: user.isAdmin,
    created_at: user.createdAt.toISOString(),
  };
}
