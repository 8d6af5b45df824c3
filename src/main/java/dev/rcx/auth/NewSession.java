package dev.rcx.auth;

import java.util.Objects;

/**
 * A session just created, with its bearer token. The token exists only here and in the client's
 * hands; the server keeps its SHA-256. {@link #toString()} leaves the token out.
 *
 * @param token 43 characters of unpadded base64url (256 random bits), sent to the client once
 * @param session the session, safe to log
 */
public record NewSession(String token, Session session) {
  public NewSession {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(session, "session");
  }

  @Override
  public String toString() {
    return "NewSession[token=<redacted>, session=" + session + "]";
  }
}
