package dev.rcx.cli;

import dev.rcx.client.CachedSession;
import dev.rcx.client.RcxClient;
import dev.rcx.client.SessionStore;
import dev.rcx.protocol.Response;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rcx logout}: revokes the cached session on the server and deletes it locally. */
@Command(
    name = "logout",
    mixinStandardHelpOptions = true,
    description = {
      "Revoke the session cached by 'rcx login' on the server and delete it.",
      "If the server cannot be reached the local copy is deleted anyway (exit 255)."
    })
final class LogoutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SessionStore store = SessionLogin.defaultStore();
    String server = SessionLogin.server(connection.host(), connection.port());
    CachedSession s =
        SessionLogin.find(store, server, connection.user())
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCodes.FAILED,
                        "no cached session of "
                            + connection.user()
                            + " on "
                            + server
                            + " (see 'rcx status')"));
    String outcome;
    try (RcxClient client = connection.connect(err)) {
      client.useToken(s.token());
      Response r = client.logout();
      outcome =
          switch (r) {
            case Response.LogoutResponse ok -> "revoked on the server";
            case Response.Error e -> "the server no longer knew it (" + e.code() + ")";
            default -> "unexpected reply " + r;
          };
    } catch (CliException | IOException e) {
      delete(store, server);
      throw new CliException(
          ExitCodes.CONNECTION_FAILED,
          e.getMessage()
              + "; the local copy of the session was deleted, on the server it expires by itself"
              + " by "
              + s.expiresIfIdle());
    }
    delete(store, server);
    out.println("Logged out " + connection.user() + " from " + server + ": " + outcome + ".");
    return ExitCodes.OK;
  }

  private void delete(SessionStore store, String server) {
    try {
      store.delete(server, connection.user());
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILED,
          "cannot delete " + store.file(server, connection.user()) + ": " + e.getMessage());
    }
  }
}
