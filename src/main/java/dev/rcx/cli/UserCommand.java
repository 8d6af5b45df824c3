package dev.rcx.cli;

import dev.rcx.auth.PasswordPolicy;
import dev.rcx.auth.User;
import dev.rcx.auth.UserStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rcx user add|remove|list|passwd|roles}: manages the users file in a server's data
 * directory. Every change is journaled before it is made and lands in the audit log (see {@link
 * UserStore}).
 */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = {
      "Manage users (a running server picks up changes without a restart).",
      "Every change is recorded in the audit log: by the running server within a second, else at"
          + " its next start."
    },
    subcommands = {
      UserCommand.Add.class,
      UserCommand.Remove.class,
      UserCommand.ListUsers.class,
      UserCommand.Passwd.class,
      UserCommand.Roles.class
    })
final class UserCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return Main.missingSubcommand(spec);
  }

  /** Options every user subcommand shares. */
  static class Base {
    @Spec CommandSpec spec;

    @Option(
        names = "--data-dir",
        description = "The server's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = DataDirs.defaultServerDir();

    UserStore store() throws IOException {
      Path dir = dataDir.toAbsolutePath();
      if (!Files.isDirectory(dir)) {
        throw new CliException(
            ExitCodes.FAILED,
            "data dir "
                + dir
                + (Files.exists(dir) ? " is not a directory" : " does not exist")
                + "; check --data-dir (`rcx user add NAME --data-dir DIR` creates it)");
      }
      return UserStore.open(dir.resolve(UserStore.DEFAULT_FILE_NAME));
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** Reads a new password and refuses one the policy forbids, before anything changes. */
    static char[] newPassword(String user, boolean fromStdin) {
      char[] password = Passwords.readNew(fromStdin, System.in);
      Optional<String> problem = PasswordPolicy.problem(user, password);
      if (problem.isPresent()) {
        Arrays.fill(password, '\0');
        throw new CliException(
            ExitCodes.USAGE, problem.get() + "; nothing was changed for " + user);
      }
      return password;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Add a user; the password (at least 8 characters, not a common one) is prompted for.")
  static final class Add extends Base implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--roles", split = ",", description = "Comma-separated roles, e.g. ops,admin.")
    List<String> roles = List.of();

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      // Before the password prompt: a mistyped data dir should not cost the operator two prompts.
      DataDirs.prepare(dataDir);
      UserStore store = store();
      store.requireAddable(name, new LinkedHashSet<>(roles)); // before any prompt
      char[] password = newPassword(name, passwordStdin);
      try {
        User u = store.add(name, password, new LinkedHashSet<>(roles));
        out()
            .println(
                "added user "
                    + u.name()
                    + (u.roles().isEmpty() ? "" : " with roles " + String.join(",", u.roles())));
      } finally {
        Arrays.fill(password, '\0');
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
  static final class Remove extends Base implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws IOException {
      store().remove(name);
      out().println("removed user " + name);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List users and their roles.")
  static final class ListUsers extends Base implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      for (User u : store().list()) {
        Set<String> roles = u.roles();
        out().println(u.name() + (roles.isEmpty() ? "" : "\t" + String.join(",", roles)));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "passwd",
      mixinStandardHelpOptions = true,
      description = "Change a user's password.")
  static final class Passwd extends Base implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--password-stdin", description = "Read the password from standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      UserStore store = store();
      store.requireExisting(name); // before any prompt
      char[] password = newPassword(name, passwordStdin);
      try {
        store.passwd(name, password);
        out().println("changed password of " + name);
      } finally {
        Arrays.fill(password, '\0');
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "roles",
      mixinStandardHelpOptions = true,
      description = "Replace a user's roles, e.g. `rcx user roles alice ops,dev` (\"\" for none).")
  static final class Roles extends Base implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "ROLES", description = "Comma-separated roles.")
    String roles;

    @Override
    public Integer call() throws IOException {
      Set<String> wanted = new LinkedHashSet<>();
      for (String r : roles.split(",", -1)) {
        if (!r.isBlank()) {
          wanted.add(r.strip());
        }
      }
      User u = store().setRoles(name, wanted);
      out()
          .println(
              "roles of "
                  + u.name()
                  + (u.roles().isEmpty() ? ": none" : ": " + String.join(",", u.roles())));
      return ExitCodes.OK;
    }
  }
}
