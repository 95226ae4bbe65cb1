"""Spanish for the demo district's comment topics (comments/demo.py); demo.load() fills the `_es` columns."""

SPANISH = {
    "Proposed educational equity policy": "Propuesta de política de equidad educativa",
    (
        "The Board of Education proposes an educational equity policy. Tell us what it should say and how "
        "it would affect your family, your classroom or your school."
    ): (
        "La Junta de Educación propone una política de equidad educativa. Díganos qué debería decir y cómo "
        "afectaría a su familia, a su clase o a su escuela."
    ),
    "Fair and optimized resource allocation and distribution": "Reparto justo y eficiente de los recursos",
    "How staff, money and programs are shared among schools.": (
        "Cómo se reparten el personal, el dinero y los programas entre las escuelas."
    ),
    "Culturally responsive and high-quality curricula and pedagogy": (
        "Planes de estudio y enseñanza de calidad y culturalmente pertinentes"
    ),
    "What students read, learn and see of themselves in class.": (
        "Lo que los estudiantes leen, aprenden y ven de sí mismos en clase."
    ),
    "Diverse educator recruitment, support and retention": "Contratar, apoyar y retener a educadores diversos",
    "Hiring, supporting and keeping educators who reflect our students.": (
        "Contratar, apoyar y conservar a educadores que reflejen a nuestros estudiantes."
    ),
    "Positive school culture, climate and identity-affirming learning environments": (
        "Una cultura escolar positiva y entornos de aprendizaje que afirmen la identidad"
    ),
    "How welcome and safe students and families feel at school.": (
        "Cuán bienvenidos y seguros se sienten los estudiantes y las familias en la escuela."
    ),
    "Professional learning for continuous improvement": "Formación profesional para la mejora continua",
    "Culturally responsive, anti-bias and equitable skills for educators and leaders.": (
        "Competencias culturalmente pertinentes, contra los prejuicios y equitativas para educadores y directivos."
    ),
}
