package dev.rcx.cli;

import dev.rcx.client.CachedSession;
import dev.rcx.client.RcxClient;
import dev.rcx.client.SessionStore;
import dev.rcx.protocol.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code rcx login}: authenticates once and caches the session token (mode 600, one file per server
 * and user) for later {@code rcx exec}, {@code rcx shell} and many-host runs.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Log in once and keep the session token for later exec, shell and many-host runs,",
      "until it expires (then they ask for the password again) or 'rcx logout'.",
      "Tokens are kept in $RCX_HOME/sessions (default ~/.rcx/sessions), mode 600."
    })
final class LoginCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SessionStore store = SessionLogin.defaultStore();
    String server = SessionLogin.server(connection.host(), connection.port());
    Optional<CachedSession> previous = SessionLogin.find(store, server, connection.user());
    try (RcxClient client = connection.connect(err)) {
      Response.AuthResponse.Success auth =
          switch (SessionLogin.authenticate(client, connection, System.in)) {
            case Response.AuthResponse.Success ok -> ok;
            case Response.AuthResponse.Failure f ->
                throw new CliException(ExitCodes.AUTH_FAILED, f.message());
          };
      CachedSession s =
          store.save(
              server, connection.user(), auth.sessionToken(), auth.expiresIn(), auth.idleTimeout());
      previous.ifPresent(p -> SessionLogin.revokeQuietly(client, p.token()));
      out.println(
          "Logged in to "
              + server
              + " as "
              + connection.user()
              + ". The session ends at "
              + s.expiresAt()
              + ", or after "
              + s.idleTimeout().toMinutes()
              + " min without use.");
      return ExitCodes.OK;
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILED, "cannot store the session in " + store.dir() + ": " + e.getMessage());
    }
  }
}
