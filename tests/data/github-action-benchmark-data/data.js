window.BENCHMARK_DATA = {
  "lastUpdate": 1774933028658,
  "entries": {
    "Rust Benchmark": [
      {
        "commit": {
          "author": {
            "email": "maria.inesparnisari@okta.com",
            "name": "Maria Ines Parnisari",
            "username": "miparnisari"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "036be2a998715b878d1dae2f88bd8ce86ca79ab7",
          "message": "update to node 20 (#208)",
          "timestamp": "2024-01-24T16:32:24+01:00",
          "tree_id": "ca32c0dfe4c5cd2b4f64baa56a4081243b7fd211",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/036be2a998715b878d1dae2f88bd8ce86ca79ab7"
        },
        "date": 1706110415510,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 208,
            "range": "± 49",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 26246,
            "range": "± 422",
            "unit": "ns/iter"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "maria.inesparnisari@okta.com",
            "name": "Maria Ines Parnisari",
            "username": "miparnisari"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "036be2a998715b878d1dae2f88bd8ce86ca79ab7",
          "message": "update to node 20 (#208)",
          "timestamp": "2024-01-24T16:32:24+01:00",
          "tree_id": "ca32c0dfe4c5cd2b4f64baa56a4081243b7fd211",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/036be2a998715b878d1dae2f88bd8ce86ca79ab7"
        },
        "date": 1706110644832,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 158,
            "range": "± 6",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 20008,
            "range": "± 595",
            "unit": "ns/iter"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trześniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "83426c04e20ff3faef1257b544e08620a88c4551",
          "message": "chore: update actions/* (#212)\n\n* update actions/checkout to v4\r\n* update actions/cache to v4\r\n* update actions/setup-node to v4\r\n* remove unnecessary usages of action/cache for node\r\n* update actions/setup-python to v5\r\n* update actions/setup-dotnet to v3\r\n* update actions/setup-java to v4",
          "timestamp": "2024-01-24T16:49:01+01:00",
          "tree_id": "441b45a8ec7c4c508ba15f086a4a2360eec3cb47",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/83426c04e20ff3faef1257b544e08620a88c4551"
        },
        "date": 1706111456451,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 159,
            "range": "± 103",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 19993,
            "range": "± 8633",
            "unit": "ns/iter"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trześniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "029e9b87f033929420da337eca96176c8d18969e",
          "message": "fix: 213 summary-always and gh-repository don't work together (#214)\n\n* move summary logic into writeBenchmark function so that we only clone repo once",
          "timestamp": "2024-01-24T23:33:33-08:00",
          "tree_id": "bb734aa285b908b0e84c362ae163abd2385a48d5",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/029e9b87f033929420da337eca96176c8d18969e"
        },
        "date": 1706168060454,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 158,
            "range": "± 1",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 19975,
            "range": "± 98",
            "unit": "ns/iter"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trześniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "029e9b87f033929420da337eca96176c8d18969e",
          "message": "fix: 213 summary-always and gh-repository don't work together (#214)\n\n* move summary logic into writeBenchmark function so that we only clone repo once",
          "timestamp": "2024-01-24T23:33:33-08:00",
          "tree_id": "bb734aa285b908b0e84c362ae163abd2385a48d5",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/029e9b87f033929420da337eca96176c8d18969e"
        },
        "date": 1706191984447,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 158,
            "range": "± 6",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 19973,
            "range": "± 117",
            "unit": "ns/iter"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trześniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "029e9b87f033929420da337eca96176c8d18969e",
          "message": "fix: 213 summary-always and gh-repository don't work together (#214)\n\n* move summary logic into writeBenchmark function so that we only clone repo once",
          "timestamp": "2024-01-24T23:33:33-08:00",
          "tree_id": "bb734aa285b908b0e84c362ae163abd2385a48d5",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/029e9b87f033929420da337eca96176c8d18969e"
        },
        "date": 1706192195409,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 158,
            "range": "± 1",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 19974,
            "range": "± 273",
            "unit": "ns/iter"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "distinct": true,
          "id": "65ff1d7044a47da1556d17eb0a7b4784969becbf",
          "message": "update CHANGELOG.md for v1.19.0",
          "timestamp": "2024-01-25T15:21:39+01:00",
          "tree_id": "04c5d063ab75038e2d6aa23beb40dd1011515f32",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/65ff1d7044a47da1556d17eb0a7b4784969becbf"
        },
        "date": 1706192550314,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 158,
            "range": "± 1",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 19971,
            "range": "± 106",
            "unit": "ns/iter"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "distinct": true,
          "id": "65ff1d7044a47da1556d17eb0a7b4784969becbf",
          "message": "update CHANGELOG.md for v1.19.0",
          "timestamp": "2024-01-25T15:21:39+01:00",
          "tree_id": "04c5d063ab75038e2d6aa23beb40dd1011515f32",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/65ff1d7044a47da1556d17eb0a7b4784969becbf"
        },
        "date": 1706192866580,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 158,
            "range": "± 1",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 19977,
            "range": "± 159",
            "unit": "ns/iter"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trześniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "18a79536bf4e8f94c418cd5dbc72d8250bb5a1c0",
          "message": "fix: improve flaky CI runs (#215)\n\n* move saving of previous benchmarks results further in the workflow files so that there is a smaller window when other action might push new changes",
          "timestamp": "2024-01-25T16:35:35+01:00",
          "tree_id": "fb7a8f28b5e468b032fb618803d585d49e500fda",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/18a79536bf4e8f94c418cd5dbc72d8250bb5a1c0"
        },
        "date": 1706196963201,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 158,
            "range": "± 4",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 19963,
            "range": "± 11110",
            "unit": "ns/iter"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trześniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "9598b26311c7676864d32a709a922b8ec823fa82",
          "message": "fix: write with retry fails with separate repository (#216)\n\n* remove the cloned directory when push fails so that next clone will work",
          "timestamp": "2024-01-25T16:57:43+01:00",
          "tree_id": "9e5989ba9256c1940c56fe218128bdba443f542a",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/9598b26311c7676864d32a709a922b8ec823fa82"
        },
        "date": 1706198358607,
        "tool": "cargo",
        "benches": [
          {
            "name": "bench_fib_10",
            "value": 158,
            "range": "± 8",
            "unit": "ns/iter"
          },
          {
            "name": "bench_fib_20",
            "value": 19979,
            "range": "± 982",
            "unit": "ns/iter"
          }
        ]
      }
    ],
    "Go Benchmark": [
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trześniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "2b82b9a3b5e1e4c363fc6c378818e2e30f635945",
          "message": "fix: Catch2 v.3.5.0 changed output format (#247)\n\n* create Catch2 v3 example\r\n* add test case for catch2 v3\r\n* modify extract header regexp to work with v3",
          "timestamp": "2024-05-19T13:21:20+02:00",
          "tree_id": "959151be13370f6a8155f9bfa7b1b113089c3fb3",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/2b82b9a3b5e1e4c363fc6c378818e2e30f635945"
        },
        "date": 1716117711628,
        "tool": "go",
        "benches": [
          {
            "name": "BenchmarkFib10",
            "value": 310.7,
            "unit": "ns/op",
            "extra": "3897337 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20",
            "value": 39723,
            "unit": "ns/op",
            "extra": "30446 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric",
            "value": 39680,
            "unit": "ns/op\t         4.000 auxMetricUnits",
            "extra": "30301 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - ns/op",
            "value": 39680,
            "unit": "ns/op",
            "extra": "30301 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - auxMetricUnits",
            "value": 4,
            "unit": "auxMetricUnits",
            "extra": "30301 times\n4 procs"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "distinct": true,
          "id": "55f6195648a439356f785f3fc289298347c88417",
          "message": "release v1.20.3",
          "timestamp": "2024-05-19T13:24:33+02:00",
          "tree_id": "58914723bc88b4b3b340b72e8752c76af4a54c78",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/55f6195648a439356f785f3fc289298347c88417"
        },
        "date": 1716118040028,
        "tool": "go",
        "benches": [
          {
            "name": "BenchmarkFib10",
            "value": 304.3,
            "unit": "ns/op",
            "extra": "3904957 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20",
            "value": 39435,
            "unit": "ns/op",
            "extra": "30757 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric",
            "value": 39279,
            "unit": "ns/op\t         4.000 auxMetricUnits",
            "extra": "30787 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - ns/op",
            "value": 39279,
            "unit": "ns/op",
            "extra": "30787 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - auxMetricUnits",
            "value": 4,
            "unit": "auxMetricUnits",
            "extra": "30787 times\n4 procs"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "sam@samxie.me",
            "name": "Sam Xie",
            "username": "XSAM"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "8deacbb847d12b43252e0a2dca86f3e5b3cafb66",
          "message": "Rename \"PR Summary\" into \"Job Summary\" (#252)",
          "timestamp": "2024-06-19T21:49:25+02:00",
          "tree_id": "0efa80f4aa96859083faa9f7dd24d7580956ceac",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/8deacbb847d12b43252e0a2dca86f3e5b3cafb66"
        },
        "date": 1718826588047,
        "tool": "go",
        "benches": [
          {
            "name": "BenchmarkFib10",
            "value": 311,
            "unit": "ns/op",
            "extra": "3884412 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20",
            "value": 39675,
            "unit": "ns/op",
            "extra": "30532 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric",
            "value": 39702,
            "unit": "ns/op\t         4.000 auxMetricUnits",
            "extra": "30402 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - ns/op",
            "value": 39702,
            "unit": "ns/op",
            "extra": "30402 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - auxMetricUnits",
            "value": 4,
            "unit": "auxMetricUnits",
            "extra": "30402 times\n4 procs"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "sam@samxie.me",
            "name": "Sam Xie",
            "username": "XSAM"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "fe4e90e7735310d03ca4b1d8f0eb1d425c55be00",
          "message": "Fix broken links to github actions (#253)",
          "timestamp": "2024-06-19T21:55:27+02:00",
          "tree_id": "133b0c86f676b3f67de7ba8141fe165421647295",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/fe4e90e7735310d03ca4b1d8f0eb1d425c55be00"
        },
        "date": 1718826971426,
        "tool": "go",
        "benches": [
          {
            "name": "BenchmarkFib10",
            "value": 310.9,
            "unit": "ns/op",
            "extra": "3880449 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20",
            "value": 39733,
            "unit": "ns/op",
            "extra": "30367 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric",
            "value": 39652,
            "unit": "ns/op\t         4.000 auxMetricUnits",
            "extra": "30358 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - ns/op",
            "value": 39652,
            "unit": "ns/op",
            "extra": "30358 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - auxMetricUnits",
            "value": 4,
            "unit": "auxMetricUnits",
            "extra": "30358 times\n4 procs"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "3110813+krzema12@users.noreply.github.com",
            "name": "Piotr Krzemiński",
            "username": "krzema12"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "9c9d03a24c7dc790ce859e3d2f62d1b0d3b9cb54",
          "message": "Add typings and validation workflow (#257)",
          "timestamp": "2024-09-09T13:40:31+02:00",
          "tree_id": "a5b7e6c77343aa076371c2aae5eca85a541bad35",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/9c9d03a24c7dc790ce859e3d2f62d1b0d3b9cb54"
        },
        "date": 1725882140658,
        "tool": "go",
        "benches": [
          {
            "name": "BenchmarkFib10",
            "value": 310.8,
            "unit": "ns/op",
            "extra": "3871492 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20",
            "value": 39753,
            "unit": "ns/op",
            "extra": "30198 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric",
            "value": 39693,
            "unit": "ns/op\t         4.000 auxMetricUnits",
            "extra": "30364 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - ns/op",
            "value": 39693,
            "unit": "ns/op",
            "extra": "30364 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - auxMetricUnits",
            "value": 4,
            "unit": "auxMetricUnits",
            "extra": "30364 times\n4 procs"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "martin@martincostello.com",
            "name": "Martin Costello",
            "username": "martincostello"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "c3a5e4ec40b6c935e215555c3440abd1b6891164",
          "message": "Update C# README (#258)",
          "timestamp": "2024-09-15T20:24:11+02:00",
          "tree_id": "ec6bc38243cf0eaf53db94bb42f04b18a32f86a9",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/c3a5e4ec40b6c935e215555c3440abd1b6891164"
        },
        "date": 1726424757534,
        "tool": "go",
        "benches": [
          {
            "name": "BenchmarkFib10",
            "value": 309.8,
            "unit": "ns/op",
            "extra": "3875553 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20",
            "value": 39436,
            "unit": "ns/op",
            "extra": "30459 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric",
            "value": 39667,
            "unit": "ns/op\t         4.000 auxMetricUnits",
            "extra": "30477 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - ns/op",
            "value": 39667,
            "unit": "ns/op",
            "extra": "30477 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - auxMetricUnits",
            "value": 4,
            "unit": "auxMetricUnits",
            "extra": "30477 times\n4 procs"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "distinct": true,
          "id": "3ef0ad301d753e8c731de290d42a7a72725d223c",
          "message": "chore: update prepare-release.sh script\n\n* update prepare-release.sh script to include action-types.yml file in release",
          "timestamp": "2024-10-23T11:24:07+02:00",
          "tree_id": "20931ff4b343a5a59d7501c5780710b945e221db",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/3ef0ad301d753e8c731de290d42a7a72725d223c"
        },
        "date": 1729675549553,
        "tool": "go",
        "benches": [
          {
            "name": "BenchmarkFib10",
            "value": 310.3,
            "unit": "ns/op",
            "extra": "3898692 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20",
            "value": 39721,
            "unit": "ns/op",
            "extra": "30376 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric",
            "value": 39630,
            "unit": "ns/op\t         4.000 auxMetricUnits",
            "extra": "30348 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - ns/op",
            "value": 39630,
            "unit": "ns/op",
            "extra": "30348 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - auxMetricUnits",
            "value": 4,
            "unit": "auxMetricUnits",
            "extra": "30348 times\n4 procs"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "distinct": true,
          "id": "6bae118c112083251560ad8b3a1ff2e43aa23351",
          "message": "release v1.20.4",
          "timestamp": "2024-10-23T11:31:39+02:00",
          "tree_id": "fa1078de1ccdef8046c6ea77ccaabeee477c4f98",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/6bae118c112083251560ad8b3a1ff2e43aa23351"
        },
        "date": 1729675951369,
        "tool": "go",
        "benches": [
          {
            "name": "BenchmarkFib10",
            "value": 310.3,
            "unit": "ns/op",
            "extra": "3869452 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20",
            "value": 39601,
            "unit": "ns/op",
            "extra": "30397 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric",
            "value": 39725,
            "unit": "ns/op\t         4.000 auxMetricUnits",
            "extra": "30337 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - ns/op",
            "value": 39725,
            "unit": "ns/op",
            "extra": "30337 times\n4 procs"
          },
          {
            "name": "BenchmarkFib20WithAuxMetric - auxMetricUnits",
            "value": 4,
            "unit": "auxMetricUnits",
            "extra": "30337 times\n4 procs"
          }
        ]
      }
    ],
    "Python Benchmark with pytest-benchmark": [
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trześniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "022dc9c1181b2a3b0e15ba786ffc2d97afed0197",
          "message": "fix: avoid duplicate package suffix in Go benchmarks [#336]  (#337)\n\n- Fixes duplicate suffixes for users who worked around #264 by including\n  package names in benchmark names\n- Detects when benchmark name already contains package reference (full\n  path, underscored, or ≥2 trailing segments) and skips suffix\n- Adds go-force-package-suffix option to always append suffix regardless\nof suffix detection",
          "timestamp": "2026-03-02T22:28:54+01:00",
          "tree_id": "6b2b1de6cb3bd51bbea044b5a412ccb4e48d48de",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/022dc9c1181b2a3b0e15ba786ffc2d97afed0197"
        },
        "date": 1772487002025,
        "tool": "pytest",
        "benches": [
          {
            "name": "bench.py::test_fib_10",
            "value": 77360.75916219037,
            "unit": "iter/sec",
            "range": "stddev: 0.0000010707891455473077",
            "extra": "mean: 12.926450190379523 usec\nrounds: 38346"
          },
          {
            "name": "bench.py::test_fib_20",
            "value": 573.5750666923313,
            "unit": "iter/sec",
            "range": "stddev: 0.00005060763857707982",
            "extra": "mean: 1.7434509588548854 msec\nrounds: 559"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "distinct": true,
          "id": "a887eba2af2000fda74e733fcf952aa823b65916",
          "message": "release v1.21.0",
          "timestamp": "2026-03-02T22:41:42+01:00",
          "tree_id": "bac81cd8e2e851927a5ee1325d7b26896f252b7b",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/a887eba2af2000fda74e733fcf952aa823b65916"
        },
        "date": 1772487793412,
        "tool": "pytest",
        "benches": [
          {
            "name": "bench.py::test_fib_10",
            "value": 76234.23287386165,
            "unit": "iter/sec",
            "range": "stddev: 0.000001054355371699955",
            "extra": "mean: 13.117466554095396 usec\nrounds: 46209"
          },
          {
            "name": "bench.py::test_fib_20",
            "value": 619.7553618195244,
            "unit": "iter/sec",
            "range": "stddev: 0.000016698471298594323",
            "extra": "mean: 1.6135398926830173 msec\nrounds: 615"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "765740+giordano@users.noreply.github.com",
            "name": "Mosè Giordano",
            "username": "giordano"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "5e8b0080feae9103b2683f4fa32d2acc77d83bea",
          "message": "chore: bump node to 24 (#339)",
          "timestamp": "2026-03-26T21:14:59+01:00",
          "tree_id": "cbb80db04508bedab66b6be7e91fdf5bea0c637c",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/5e8b0080feae9103b2683f4fa32d2acc77d83bea"
        },
        "date": 1774556179380,
        "tool": "pytest",
        "benches": [
          {
            "name": "bench.py::test_fib_10",
            "value": 76690.9493712884,
            "unit": "iter/sec",
            "range": "stddev: 0.0000011563518709694698",
            "extra": "mean: 13.039348295959163 usec\nrounds: 37382"
          },
          {
            "name": "bench.py::test_fib_20",
            "value": 613.5874480691359,
            "unit": "iter/sec",
            "range": "stddev: 0.000023151803737393974",
            "extra": "mean: 1.6297595447019724 msec\nrounds: 604"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "49699333+dependabot[bot]@users.noreply.github.com",
            "name": "dependabot[bot]",
            "username": "dependabot[bot]"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "6dc89aaa69de1820b21d94a8c220c8fbbd912d28",
          "message": "chore(deps-dev): bump braces from 3.0.2 to 3.0.3 (#251)\n\nBumps [braces](https://github.com/micromatch/braces) from 3.0.2 to\n3.0.3.\n<details>\n<summary>Commits</summary>\n<ul>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/74b2db2938fad48a2ea54a9c8bf27a37a62c350d\"><code>74b2db2</code></a>\n3.0.3</li>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/88f1429a0f47e1dd3813de35211fc97ffda27f9e\"><code>88f1429</code></a>\nupdate eslint. lint, fix unit tests.</li>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/415d660c3002d1ab7e63dbf490c9851da80596ff\"><code>415d660</code></a>\nSnyk js braces 6838727 (<a\nhref=\"https://redirect.github.com/micromatch/braces/issues/40\">#40</a>)</li>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/190510f79db1adf21d92798b0bb6fccc1f72c9d6\"><code>190510f</code></a>\nfix tests, skip 1 test in test/braces.expand</li>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/716eb9f12d820b145a831ad678618731927e8856\"><code>716eb9f</code></a>\nreadme bump</li>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/a5851e57f45c3431a94d83fc565754bc10f5bbc3\"><code>a5851e5</code></a>\nMerge pull request <a\nhref=\"https://redirect.github.com/micromatch/braces/issues/37\">#37</a>\nfrom coderaiser/fix/vulnerability</li>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/2092bd1fb108d2c59bd62e243b70ad98db961538\"><code>2092bd1</code></a>\nfeature: braces: add maxSymbols (<a\nhref=\"https://github.com/micromatch/braces/issues/\">https://github.com/micromatch/braces/issues/</a>...</li>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/9f5b4cf47329351bcb64287223ffb6ecc9a5e6d3\"><code>9f5b4cf</code></a>\nfix: vulnerability (<a\nhref=\"https://security.snyk.io/vuln/SNYK-JS-BRACES-6838727\">https://security.snyk.io/vuln/SNYK-JS-BRACES-6838727</a>)</li>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/98414f9f1fabe021736e26836d8306d5de747e0d\"><code>98414f9</code></a>\nremove funding file</li>\n<li><a\nhref=\"https://github.com/micromatch/braces/commit/665ab5d561c017a38ba7aafd92cc6655b91d8c14\"><code>665ab5d</code></a>\nupdate keepEscaping doc (<a\nhref=\"https://redirect.github.com/micromatch/braces/issues/27\">#27</a>)</li>\n<li>Additional commits viewable in <a\nhref=\"https://github.com/micromatch/braces/compare/3.0.2...3.0.3\">compare\nview</a></li>\n</ul>\n</details>\n<br />\n\n\n[![Dependabot compatibility\nscore](https://dependabot-badges.githubapp.com/badges/compatibility_score?dependency-name=braces&package-manager=npm_and_yarn&previous-version=3.0.2&new-version=3.0.3)](https://docs.github.com/en/github/managing-security-vulnerabilities/about-dependabot-security-updates#about-compatibility-scores)\n\nDependabot will resolve any conflicts with this PR as long as you don't\nalter it yourself. You can also trigger a rebase manually by commenting\n`@dependabot rebase`.\n\n[//]: # (dependabot-automerge-start)\n[//]: # (dependabot-automerge-end)\n\n---\n\n<details>\n<summary>Dependabot commands and options</summary>\n<br />\n\nYou can trigger Dependabot actions by commenting on this PR:\n- `@dependabot rebase` will rebase this PR\n- `@dependabot recreate` will recreate this PR, overwriting any edits\nthat have been made to it\n- `@dependabot merge` will merge this PR after your CI passes on it\n- `@dependabot squash and merge` will squash and merge this PR after\nyour CI passes on it\n- `@dependabot cancel merge` will cancel a previously requested merge\nand block automerging\n- `@dependabot reopen` will reopen this PR if it is closed\n- `@dependabot close` will close this PR and stop Dependabot recreating\nit. You can achieve the same result by closing it manually\n- `@dependabot show <dependency name> ignore conditions` will show all\nof the ignore conditions of the specified dependency\n- `@dependabot ignore this major version` will close this PR and stop\nDependabot creating any more for this major version (unless you reopen\nthe PR or upgrade to it yourself)\n- `@dependabot ignore this minor version` will close this PR and stop\nDependabot creating any more for this minor version (unless you reopen\nthe PR or upgrade to it yourself)\n- `@dependabot ignore this dependency` will close this PR and stop\nDependabot creating any more for this dependency (unless you reopen the\nPR or upgrade to it yourself)\nYou can disable automated security fix PRs for this repo from the\n[Security Alerts\npage](https://github.com/benchmark-action/github-action-benchmark/network/alerts).\n\n</details>\n\nSigned-off-by: dependabot[bot] <support@github.com>\nCo-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
          "timestamp": "2026-03-26T21:40:58+01:00",
          "tree_id": "1b5ab7687e4f5249236cfdf443a66502a2d4847e",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/6dc89aaa69de1820b21d94a8c220c8fbbd912d28"
        },
        "date": 1774557695444,
        "tool": "pytest",
        "benches": [
          {
            "name": "bench.py::test_fib_10",
            "value": 76934.05941245375,
            "unit": "iter/sec",
            "range": "stddev: 0.000001079766988966525",
            "extra": "mean: 12.998144224248804 usec\nrounds: 36887"
          },
          {
            "name": "bench.py::test_fib_20",
            "value": 622.1651328180358,
            "unit": "iter/sec",
            "range": "stddev: 0.000016111659595892108",
            "extra": "mean: 1.607290327361481 msec\nrounds: 614"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "49699333+dependabot[bot]@users.noreply.github.com",
            "name": "dependabot[bot]",
            "username": "dependabot[bot]"
          },
          "committer": {
            "email": "noreply@github.com",
            "name": "GitHub",
            "username": "web-flow"
          },
          "distinct": true,
          "id": "b0e7057f76614dd5c0355257b2b77ee514f3e77b",
          "message": "chore(deps): bump zipp from 0.6.0 to 3.19.1 in /examples/pytest (#256)\n\nBumps [zipp](https://github.com/jaraco/zipp) from 0.6.0 to 3.19.1.\n<details>\n<summary>Changelog</summary>\n<p><em>Sourced from <a\nhref=\"https://github.com/jaraco/zipp/blob/main/NEWS.rst\">zipp's\nchangelog</a>.</em></p>\n<blockquote>\n<h1>v3.19.1</h1>\n<h2>Bugfixes</h2>\n<ul>\n<li>Improved handling of malformed zip files. (<a\nhref=\"https://redirect.github.com/jaraco/zipp/issues/119\">#119</a>)</li>\n</ul>\n<h1>v3.19.0</h1>\n<h2>Features</h2>\n<ul>\n<li>Implement is_symlink. (<a\nhref=\"https://redirect.github.com/jaraco/zipp/issues/117\">#117</a>)</li>\n</ul>\n<h1>v3.18.2</h1>\n<p>No significant changes.</p>\n<h1>v3.18.1</h1>\n<p>No significant changes.</p>\n<h1>v3.18.0</h1>\n<h2>Features</h2>\n<ul>\n<li>Bypass ZipFile.namelist in glob for better performance. (<a\nhref=\"https://redirect.github.com/jaraco/zipp/issues/106\">#106</a>)</li>\n<li>Refactored glob functionality to support a more generalized solution\nwith support for platform-specific path separators. (<a\nhref=\"https://redirect.github.com/jaraco/zipp/issues/108\">#108</a>)</li>\n</ul>\n<h2>Bugfixes</h2>\n<ul>\n<li>Add special accounting for pypy when computing the stack level for\ntext encoding warnings. (<a\nhref=\"https://redirect.github.com/jaraco/zipp/issues/114\">#114</a>)</li>\n</ul>\n<h1>v3.17.0</h1>\n<p>Features</p>\n<!-- raw HTML omitted -->\n</blockquote>\n<p>... (truncated)</p>\n</details>\n<details>\n<summary>Commits</summary>\n<ul>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/6d1cb72aa55e0536f35d2af128994b5a61ca4c1a\"><code>6d1cb72</code></a>\nFinalize</li>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/fd604bd34f0343472521a36da1fbd22e793e14fd\"><code>fd604bd</code></a>\nMerge pull request <a\nhref=\"https://redirect.github.com/jaraco/zipp/issues/120\">#120</a> from\njaraco/bugfix/119-malformed-paths</li>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/c18417ed2953e181728a7dac07bff88a2190abf7\"><code>c18417e</code></a>\nAdd news fragment.</li>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/58115d2be968644ce71ce6bcc9b79826c82a1806\"><code>58115d2</code></a>\nEmploy SanitizedNames in CompleteDirs. Fixes broken test.</li>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/564fcc10cdbfdaecdb33688e149827465931c9e0\"><code>564fcc1</code></a>\nAdd SanitizedNames mixin.</li>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/79a309fe54dc6b7934fb72e9f31bcb58f2e9f547\"><code>79a309f</code></a>\nAdd some assertions about malformed paths.</li>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/2d015c22348fab46ca765339f55f84fe9d6e8115\"><code>2d015c2</code></a>\nMerge <a\nhref=\"https://github.com/jaraco/skeleton\">https://github.com/jaraco/skeleton</a></li>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/a595a0fad054cd20b69d3e954c99174e3a548938\"><code>a595a0f</code></a>\nRename extras to align with core metadata spec.</li>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/608f90a6e74919501577a1312dc5c7d8e1d391d7\"><code>608f90a</code></a>\nFinalize</li>\n<li><a\nhref=\"https://github.com/jaraco/zipp/commit/3a22d724acf874111b43f87f7110225122ec3de5\"><code>3a22d72</code></a>\nMerge pull request <a\nhref=\"https://redirect.github.com/jaraco/zipp/issues/118\">#118</a> from\njaraco/feature/is-symlink</li>\n<li>Additional commits viewable in <a\nhref=\"https://github.com/jaraco/zipp/compare/v0.6.0...v3.19.1\">compare\nview</a></li>\n</ul>\n</details>\n<br />\n\n\n[![Dependabot compatibility\nscore](https://dependabot-badges.githubapp.com/badges/compatibility_score?dependency-name=zipp&package-manager=pip&previous-version=0.6.0&new-version=3.19.1)](https://docs.github.com/en/github/managing-security-vulnerabilities/about-dependabot-security-updates#about-compatibility-scores)\n\nDependabot will resolve any conflicts with this PR as long as you don't\nalter it yourself. You can also trigger a rebase manually by commenting\n`@dependabot rebase`.\n\n[//]: # (dependabot-automerge-start)\n[//]: # (dependabot-automerge-end)\n\n---\n\n<details>\n<summary>Dependabot commands and options</summary>\n<br />\n\nYou can trigger Dependabot actions by commenting on this PR:\n- `@dependabot rebase` will rebase this PR\n- `@dependabot recreate` will recreate this PR, overwriting any edits\nthat have been made to it\n- `@dependabot merge` will merge this PR after your CI passes on it\n- `@dependabot squash and merge` will squash and merge this PR after\nyour CI passes on it\n- `@dependabot cancel merge` will cancel a previously requested merge\nand block automerging\n- `@dependabot reopen` will reopen this PR if it is closed\n- `@dependabot close` will close this PR and stop Dependabot recreating\nit. You can achieve the same result by closing it manually\n- `@dependabot show <dependency name> ignore conditions` will show all\nof the ignore conditions of the specified dependency\n- `@dependabot ignore this major version` will close this PR and stop\nDependabot creating any more for this major version (unless you reopen\nthe PR or upgrade to it yourself)\n- `@dependabot ignore this minor version` will close this PR and stop\nDependabot creating any more for this minor version (unless you reopen\nthe PR or upgrade to it yourself)\n- `@dependabot ignore this dependency` will close this PR and stop\nDependabot creating any more for this dependency (unless you reopen the\nPR or upgrade to it yourself)\nYou can disable automated security fix PRs for this repo from the\n[Security Alerts\npage](https://github.com/benchmark-action/github-action-benchmark/network/alerts).\n\n</details>\n\nSigned-off-by: dependabot[bot] <support@github.com>\nCo-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
          "timestamp": "2026-03-26T21:47:06+01:00",
          "tree_id": "6a27e3e787599abe11fe064453ceaa682e95c153",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/b0e7057f76614dd5c0355257b2b77ee514f3e77b"
        },
        "date": 1774558051628,
        "tool": "pytest",
        "benches": [
          {
            "name": "bench.py::test_fib_10",
            "value": 70848.94520219282,
            "unit": "iter/sec",
            "range": "stddev: 0.000002938545720173083",
            "extra": "mean: 14.114536174760856 usec\nrounds: 34513"
          },
          {
            "name": "bench.py::test_fib_20",
            "value": 623.4112781810163,
            "unit": "iter/sec",
            "range": "stddev: 0.00014137581457961343",
            "extra": "mean: 1.6040774926590848 msec\nrounds: 613"
          }
        ]
      },
      {
        "commit": {
          "author": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "committer": {
            "email": "k.trzesniewski@gmail.com",
            "name": "Chris Trzesniewski",
            "username": "ktrz"
          },
          "distinct": true,
          "id": "c38cce98215cf75e178ecd5a0c1a1ab215e93006",
          "message": "release v1.22.0",
          "timestamp": "2026-03-31T06:53:51+02:00",
          "tree_id": "bcd62a1fb1374f67221a37001260ca831840ac40",
          "url": "https://github.com/benchmark-action/github-action-benchmark/commit/c38cce98215cf75e178ecd5a0c1a1ab215e93006"
        },
        "date": 1774932868914,
        "tool": "pytest",
        "benches": [
          {
            "name": "bench.py::test_fib_10",
            "value": 76327.03241590009,
            "unit": "iter/sec",
            "range": "stddev: 0.0000012571315525798022",
            "extra": "mean: 13.101518143022743 usec\nrounds: 29984"
          },
          {
            "name": "bench.py::test_fib_20",
            "value": 604.5755406814991,
            "unit": "iter/sec",
            "range": "stddev: 0.000018037065721222928",
            "extra": "mean: 1.6540530218486251 msec\nrounds: 595"
          }
        ]
      }
    ]
  },
  "repoUrl": "https://github.com/benchmark-action/github-action-benchmark"
}
