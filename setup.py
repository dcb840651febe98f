"""Build hook: the student notebooks in exercises/ ship inside the wheel as neurodyn_lab/notebooks/.

Everything else about the package is in pyproject.toml. The copy happens at build time, so
exercises/ stays the one place the notebooks are edited (an editable install reads exercises/
directly, see neurodyn_lab.cli.notebook_source).
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class build_py_with_notebooks(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the CLI falls back to exercises/ in an editable install
        notebooks = sorted((HERE / "exercises").glob("*.ipynb"))
        if not notebooks:
            raise SystemExit(
                "no student notebooks in exercises/: run `make exercises` before building"
            )
        target = Path(self.build_lib) / "neurodyn_lab" / "notebooks"
        target.mkdir(parents=True, exist_ok=True)
        for notebook in notebooks:
            self.copy_file(str(notebook), str(target / notebook.name))

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if not getattr(self, "editable_mode", False):
            target = Path(self.build_lib) / "neurodyn_lab" / "notebooks"
            outputs += [str(target / p.name) for p in sorted((HERE / "exercises").glob("*.ipynb"))]
        return outputs


setup(cmdclass={"build_py": build_py_with_notebooks})
