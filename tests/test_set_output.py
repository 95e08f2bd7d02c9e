"""set_output(transform="pandas") and get_feature_names_out on zoo's transformers."""

import numpy as np
import pytest

import zoo
from zoo.base import clone
from zoo.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

pd = pytest.importorskip("pandas")


def frame(n=30, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.normal(size=(n, 4)), columns=["w", "x", "y", "z"], index=np.arange(100, 100 + n))


@pytest.mark.parametrize(
    "make, columns",
    [
        (StandardScaler, ["w", "x", "y", "z"]),
        (MinMaxScaler, ["w", "x", "y", "z"]),
        (lambda: zoo.PCA(2), ["pca0", "pca1"]),
        (lambda: zoo.KMeans(3, random_state=0), ["kmeans0", "kmeans1", "kmeans2"]),
        (lambda: zoo.MiniBatchKMeans(2, random_state=0), ["minibatchkmeans0", "minibatchkmeans1"]),
    ],
)
def test_pandas_output_keeps_values_names_and_index(make, columns):
    X = frame()
    plain = make().fit(X)
    model = make().set_output(transform="pandas")
    fitted = model.fit_transform(X)
    assert isinstance(fitted, pd.DataFrame)
    assert list(fitted.columns) == columns and list(model.get_feature_names_out()) == columns
    assert (fitted.index == X.index).all()
    np.testing.assert_allclose(fitted.to_numpy(), plain.transform(X), rtol=1e-6, atol=1e-9)
    again = model.transform(X.iloc[:5])
    assert isinstance(again, pd.DataFrame) and (again.index == X.index[:5]).all()
    # A NumPy X gets the default index; "default" brings arrays back.
    with pytest.warns(UserWarning, match="feature names"):  # fitted with names, as scikit-learn warns
        assert isinstance(model.transform(X.to_numpy()), pd.DataFrame)
    assert isinstance(model.set_output(transform="default").transform(X), np.ndarray)


def test_names_as_scikit_learn_gives_them():
    decomposition = pytest.importorskip("sklearn.decomposition")
    cluster = pytest.importorskip("sklearn.cluster")
    X = frame()
    assert list(zoo.PCA(3).fit(X).get_feature_names_out()) == list(decomposition.PCA(3).fit(X).get_feature_names_out())
    assert list(zoo.KMeans(4, random_state=0).fit(X).get_feature_names_out()) == list(
        cluster.KMeans(4, random_state=0, n_init=1).fit(X).get_feature_names_out()
    )


def test_one_hot_encoder_pandas_output():
    X = pd.DataFrame({"colour": ["red", "blue", "red"], "size": ["S", "S", "L"]})
    encoded = OneHotEncoder(sparse_output=False).set_output(transform="pandas").fit_transform(X)
    assert list(encoded.columns) == ["colour_blue", "colour_red", "size_L", "size_S"]
    np.testing.assert_array_equal(encoded.to_numpy(), [[0, 1, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]])


def test_the_choice_survives_clone_and_none_leaves_it():
    model = StandardScaler().set_output(transform="pandas")
    assert model.set_output(transform=None) is model
    assert isinstance(clone(model).fit_transform(frame()), pd.DataFrame)
    assert isinstance(clone(StandardScaler()).fit_transform(frame()), np.ndarray)


def test_bad_choices():
    with pytest.raises(ValueError, match="polars"):
        StandardScaler().set_output(transform="polars")
    with pytest.raises(ValueError, match="pandas"):
        StandardScaler().set_output(transform="dataframe")
    with pytest.raises(AttributeError, match="no set_output"):
        zoo.preprocessing.LabelEncoder().set_output(transform="pandas")


def test_scikit_learn_pipeline_set_output_reaches_zoo_steps():
    pipeline = pytest.importorskip("sklearn.pipeline")
    out = pipeline.make_pipeline(StandardScaler(), zoo.PCA(2)).set_output(transform="pandas").fit_transform(frame())
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["pca0", "pca1"]
