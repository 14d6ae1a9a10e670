// hashFiles as setup-python and the runner compute it: @actions/glob, files outside GITHUB_WORKSPACE ignored.
import * as glob from '@actions/glob';

const hash = await glob.hashFiles(process.argv[2], process.env.GITHUB_WORKSPACE);
process.stdout.write(`\nhash=${hash}\n`);
