package org.otplatform.otctl;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The completion script of every command, option and enum value, made by picocli from the commands themselves. */
@Command(mixinStandardHelpOptions = true, name = "completion",
    description = "Prints a completion script for bash (and zsh, with bashcompinit) of otctl's commands and options.",
    footerHeading = "%nExamples:%n",
    footer = {"  source <(otctl completion)                          this shell",
        "  otctl completion > /etc/bash_completion.d/otctl     every new shell",
        "  autoload -U +X bashcompinit && bashcompinit; source <(otctl completion)   zsh"})
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    System.out.print(AutoComplete.bash("otctl", spec.root().commandLine()));
    System.out.flush();
    return Exit.OK;
  }
}
