package org.otplatform.otctl;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A password from the terminal without echo, or from stdin's first line for scripts ({@code --password-stdin}). */
final class Passwords {
  private Passwords() {}

  static String read(boolean fromStdin, String prompt) {
    if (fromStdin) {
      try {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
          throw new Exit.Failure(Exit.USAGE, "--password-stdin: stdin held no password");
        }
        return line;
      } catch (IOException e) {
        throw new Exit.Failure(Exit.USAGE, "--password-stdin: cannot read stdin: " + e.getMessage());
      }
    }
    Console console = System.console();
    if (console == null) {
      throw new Exit.Failure(Exit.USAGE, "no terminal to ask the password on; give it with --password-stdin");
    }
    char[] typed = console.readPassword("%s", prompt);
    if (typed == null || typed.length == 0) {
      throw new Exit.Failure(Exit.USAGE, "no password given");
    }
    return new String(typed);
  }
}
