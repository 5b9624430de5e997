package com.imagegate.web.internal;

import com.imagegate.account.Member;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Lets a controller method take the signed-in {@link Member} as a parameter. */
@Component
class MemberArgumentResolver implements HandlerMethodArgumentResolver {

    private final CurrentMember currentMember;

    MemberArgumentResolver(CurrentMember currentMember) {
        this.currentMember = currentMember;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType().equals(Member.class);
    }

    @Override
    public Object resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest,
            WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        return currentMember.find(request).orElseThrow(() -> new InsufficientAuthenticationException("sign in again"));
    }
}
